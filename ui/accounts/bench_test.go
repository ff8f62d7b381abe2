package accounts

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/authtest"
	"github.com/tokentray/tokentray/store/storetest"
)

// BenchmarkConnectFlow: what connecting costs once the user approved — from
// the browser's request to the loopback callback until the account is
// stored (code exchange, identity call, sealing the token under the keyring
// key, the metadata write with its fsyncs) — through App.Connect, against
// the in-process server and the session's real keyring. Reports the median
// over b.N connects; run with -benchtime=20x.
func BenchmarkConnectFlow(b *testing.B) {
	storetest.RequireSession(b)
	srv := authtest.NewServer(b, authtest.Config{})
	app, err := Open(Options{Dir: b.TempDir(), Service: storetest.Service(b), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	ctx := context.Background()
	p, err := app.AddProvider(ctx, "bench", "Bench", srv.URL, authtest.ClientID, authtest.ClientSecret)
	if err != nil {
		b.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var took []time.Duration
	b.ResetTimer()
	for range b.N {
		called := make(chan time.Time, 1)
		// The browser: the authorization page answers with a redirect to
		// the loopback callback; the clock starts when it is followed.
		open := func(u string) error {
			resp, err := noRedirect.Get(u)
			if err != nil {
				return err
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			go func() {
				called <- time.Now()
				if r, err := http.Get(loc); err == nil {
					r.Body.Close()
				}
			}()
			return nil
		}
		acct, err := app.Connect(ctx, p.ID, "", auth.ConnectOptions{Open: open})
		done := time.Now()
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, done.Sub(<-called))
		if tok, err := app.store.LoadToken(ctx, acct.ID); err == nil {
			storetest.Secret(b, tok.AccessToken, tok.RefreshToken)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "callback-to-stored-ms")
}
