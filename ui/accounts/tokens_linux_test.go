package accounts

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/tokentray/tokentray/store/storetest"
)

// TestTokenEndpointPerConfigFolder: two apps for two config folders, in
// one user session (one XDG_RUNTIME_DIR), serve a token endpoint each; a
// command for either folder reaches that folder's app. The proof is the
// app's own answer ("no account named Nobody": an app of another folder
// says only that it keeps another folder, which is ErrNoTokenServer, as
// is no app at all).
func TestTokenEndpointPerConfigFolder(t *testing.T) {
	run, err := os.MkdirTemp("", "tt-run") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	t.Setenv("XDG_RUNTIME_DIR", run)
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, dir := range dirs {
		a, err := Open(Options{Dir: dir, Service: storetest.Service(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		ep, err := a.ListenTokens()
		if err != nil {
			t.Fatalf("token endpoint of %s: %v", dir, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- ep.Serve(ctx) }()
		t.Cleanup(func() {
			cancel()
			if err := <-served; err != nil {
				t.Errorf("token endpoint of %s: %v", dir, err)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, dir := range dirs {
		_, _, err := AskToken(ctx, dir, "Nobody", time.Minute)
		var re *RemoteError
		if !errors.As(err, &re) || !errors.Is(err, ErrNoAccount) {
			t.Errorf("ask the app of %s: %v, want its answer that it has no such account", dir, err)
		}
	}
}
