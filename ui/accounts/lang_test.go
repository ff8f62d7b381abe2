package accounts

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/ui/words"
)

// TestConnectInFrench: for a French user, connecting through the app
// (what the window and the command line do) ends in the browser on
// Tokentray's own page in French, <html lang="fr">: approved, and
// declined; and a Clio preset with no client ID yet is named as the
// region list names it, "Clio (États-Unis)".
func TestConnectInFrench(t *testing.T) {
	a := openApp(t)
	defer words.Use("en")
	words.Use("fr")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := authtest.NewServer(t, authtest.Config{})
	p, err := a.AddProvider(ctx, "demo", "Demo", srv.URL, authtest.ClientID, authtest.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	type page struct {
		lang, body string
	}
	// connect runs Connect with a browser that follows the server's
	// answer to the loopback listener and reads the page it serves.
	connect := func() (page, error) {
		pages := make(chan page, 1)
		open := func(u string) error {
			resp, err := noRedirect.Get(u)
			if err != nil {
				return err
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			go func() {
				var pg page
				defer func() { pages <- pg }()
				r, err := noRedirect.Get(loc)
				if err != nil {
					t.Errorf("the loopback page: %v", err)
					return
				}
				defer r.Body.Close()
				b, _ := io.ReadAll(r.Body)
				pg = page{r.Header.Get("Content-Language"), string(b)}
			}()
			return nil
		}
		_, err := a.Connect(ctx, p.ID, "", auth.ConnectOptions{Open: open, Timeout: 30 * time.Second})
		select {
		case pg := <-pages:
			return pg, err
		case <-ctx.Done():
			t.Fatalf("no page: %v", err)
		}
		return page{}, err
	}
	check := func(what string, pg page, says ...string) {
		t.Helper()
		if pg.lang != "fr" || !strings.Contains(pg.body, `<html lang="fr">`) {
			t.Errorf("%s: the page is not said to be French (Content-Language %q):\n%s", what, pg.lang, pg.body)
		}
		for _, s := range says {
			if !strings.Contains(pg.body, s) {
				t.Errorf("%s: the page does not say %q:\n%s", what, s, pg.body)
			}
		}
		for _, en := range []string{"Approved", "Not connected", "close this tab"} {
			if strings.Contains(pg.body, en) {
				t.Errorf("%s: the page says %q in English:\n%s", what, en, pg.body)
			}
		}
	}

	pg, err := connect()
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	check("approved", pg, "<title>Approuvé – Tokentray</title>", "Tokentray a reçu votre approbation.")

	srv.SetDecision(authtest.Deny)
	pg, err = connect()
	if !errors.Is(err, auth.ErrDeclined) {
		t.Fatalf("declined: %v", err)
	}
	check("declined", pg, "<h1>Non connecté</h1>", "Vous avez refusé l’accès")
	if msg := words.Message(err); !strings.Contains(msg, "Vous avez refusé l’accès dans le navigateur.") {
		t.Errorf("declined: the app says %q", msg)
	}

	_, err = a.Connect(ctx, "clio-us", "", auth.ConnectOptions{Open: func(string) error { return errors.New("no browser here") }})
	if msg := words.Message(err); !strings.HasPrefix(msg, "Clio (États-Unis) n’a pas encore d’identifiant client.") {
		t.Errorf("Clio with no client ID: %q (%v), want it named Clio (États-Unis)", msg, err)
	}
}
