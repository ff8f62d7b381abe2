package auth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// french is a Wording as ui/words gives one (auth cannot import it): the
// loopback pages' words (their message IDs are ui/words') in French, any
// other ID as it is.
var french = auth.Wording{Lang: "fr", L: func(id string, _ ...any) string {
	if s, ok := map[string]string{
		"Approved": "Approuvé",
		"Tokentray received your approval. You can close this tab and go back to Tokentray.": "Tokentray a reçu votre approbation.",
		"Not connected": "Non connecté",
		"You declined access, so nothing was connected. You can close this tab.":                                 "Vous avez refusé l’accès.",
		"This link is not for Tokentray's current sign-in":                                                       "Ce lien n’est pas celui de la connexion en cours",
		"It may be from an older attempt. Go back to Tokentray and choose Connect again if it is still waiting.": "Il provient peut-être d’une tentative précédente.",
	}[id]; ok {
		return s
	}
	return id
}}

// loopbackPage is what the browser shows: the authorization URL is
// answered (at once, as the test server decides) with a redirect to the
// loopback listener, whose page is read. to, when set, changes the
// redirect's query first (another state).
func loopbackPage(ctx context.Context, authURL string, to func(url.Values)) (*http.Response, string, error) {
	noRedirect := &http.Client{Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, "", err
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return nil, "", err
	}
	if to != nil {
		q := loc.Query()
		to(q)
		loc.RawQuery = q.Encode()
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return nil, "", err
	}
	resp, err = noRedirect.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, string(body), err
}

// TestLoopbackPagesInTheUsersLanguage: the pages Tokentray's loopback
// listener answers the browser with — approved, declined, a link that is
// not this sign-in's — are in the language of the Wording Connect's
// context carries (as ui/accounts gives it from ui/words), with their
// <html lang> and Content-Language; without one they are English, as
// before.
func TestLoopbackPagesInTheUsersLanguage(t *testing.T) {
	e := newEnv(t, authtest.Config{})
	p := withClient(auth.Generic(e.srv.URL+authtest.PathAuthorize, e.srv.URL+authtest.PathToken), authtest.ClientID, authtest.ClientSecret)
	type seen struct {
		status     int
		lang, body string
	}
	connect := func(ctx context.Context, wrongFirst bool) (pages []seen, err error) {
		opts := e.connectOptions()
		pagesCh := make(chan []seen, 1)
		opts.Open = func(authURL string) error {
			e.browse(func() {
				var got []seen
				defer func() { pagesCh <- got }()
				if wrongFirst {
					resp, body, err := loopbackPage(e.ctx, authURL, func(q url.Values) { q.Set("state", "another-attempt") })
					if err != nil {
						t.Errorf("browser: %v", err)
						return
					}
					got = append(got, seen{resp.StatusCode, resp.Header.Get("Content-Language"), body})
				}
				resp, body, err := loopbackPage(e.ctx, authURL, nil)
				if err != nil {
					t.Errorf("browser: %v", err)
					return
				}
				got = append(got, seen{resp.StatusCode, resp.Header.Get("Content-Language"), body})
			})
			return nil
		}
		conn, err := auth.Connect(ctx, p, opts)
		if conn != nil {
			storetest.Secret(t, conn.Token.AccessToken, conn.Token.RefreshToken)
		}
		select {
		case pages = <-pagesCh:
		case <-e.ctx.Done():
			t.Fatalf("no page seen: %v", err)
		}
		return pages, err
	}
	check := func(what string, got seen, status int, lang string, says ...string) {
		t.Helper()
		if got.status != status {
			t.Errorf("%s: status %d, want %d", what, got.status, status)
		}
		if got.lang != lang || !strings.Contains(got.body, `<html lang="`+lang+`">`) {
			t.Errorf("%s: Content-Language %q, page:\n%s\nwant the language %q", what, got.lang, got.body, lang)
		}
		for _, s := range says {
			if !strings.Contains(got.body, s) {
				t.Errorf("%s: the page does not say %q:\n%s", what, s, got.body)
			}
		}
	}

	fr := auth.WithWording(e.ctx, french)
	pages, err := connect(fr, true)
	if err != nil {
		t.Fatalf("connect in French: %v", err)
	}
	if len(pages) != 2 {
		t.Fatalf("%d pages seen", len(pages))
	}
	check("another attempt's link, in French", pages[0], http.StatusBadRequest, "fr",
		"<title>Ce lien n’est pas celui de la connexion en cours – Tokentray</title>", "Il provient peut-être")
	check("approved, in French", pages[1], http.StatusOK, "fr", "<h1>Approuvé</h1>", "Tokentray a reçu votre approbation.")

	e.srv.SetDecision(authtest.Deny)
	pages, err = connect(fr, false)
	if !errors.Is(err, auth.ErrDeclined) {
		t.Fatalf("declined in French: %v", err)
	}
	check("declined, in French", pages[0], http.StatusOK, "fr", "<h1>Non connecté</h1>", "Vous avez refusé l’accès.")

	e.srv.SetDecision(authtest.Approve)
	pages, err = connect(e.ctx, false)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	check("approved, with no Wording", pages[0], http.StatusOK, "en", "<h1>Approved</h1>",
		"Tokentray received your approval. You can close this tab and go back to Tokentray.")
}
