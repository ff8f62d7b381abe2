package accounts

import (
	"context"
	"fmt"
	"sync"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/system/title"
	"github.com/tokentray/tokentray/ui/words"
)

// Connect runs the browser flow for a provider and stores the new account
// under name (default: who the provider says the user is).
func (a *App) Connect(ctx context.Context, providerID, name string, opts auth.ConnectOptions) (store.Account, error) {
	if !a.Allowed(providerID) {
		return store.Account{}, &ManagedError{What: ManagedNotAllowed, Provider: a.ProviderName(providerID), By: ManagedBy(a.Policy())}
	}
	p, err := a.Provider(ctx, providerID)
	if err != nil {
		return store.Account{}, err
	}
	conn, err := a.connect(ctx, p, opts)
	if err != nil {
		return store.Account{}, err
	}
	if name == "" {
		name = conn.Identity.Label()
	}
	acct := store.Account{
		Provider: p.ID, Name: name, Login: conn.Identity.Email, Subject: conn.Identity.Subject,
	}
	return a.add(ctx, acct, conn.Provider, conn.Token)
}

// Reconnect runs the browser flow again for an existing account (asking
// the provider for the same user: login_hint) and replaces its tokens; the
// account keeps its ID and name, so scripts using it keep working.
func (a *App) Reconnect(ctx context.Context, id string, opts auth.ConnectOptions) (store.Account, error) {
	acct, err := a.store.Account(id)
	if err != nil {
		return store.Account{}, err
	}
	p, err := a.Provider(ctx, acct.Provider)
	if err != nil {
		return store.Account{}, err
	}
	if p.Redirect == auth.RedirectNone {
		// Imported: take the sign-in again from the file it is linked to.
		path := LinkedFile(acct)
		if path == "" {
			return store.Account{}, &NeedsImportError{Account: acct.Name}
		}
		s, err := claude.Load(path)
		if err != nil {
			return store.Account{}, fmt.Errorf("%w: %w", &NeedsImportError{Account: acct.Name}, err)
		}
		if old, err := a.store.LoadToken(ctx, id); err == nil && old.RefreshToken == s.Token.RefreshToken &&
			acct.Status == keeper.StatusReconnect {
			// The file holds the very sign-in that stopped working.
			return store.Account{}, &NeedsImportError{Account: acct.Name}
		}
		return a.ReimportClaude(ctx, id, s, true)
	}
	opts.LoginHint = acct.Login
	conn, err := a.connect(ctx, p, opts)
	if err != nil {
		return store.Account{}, err
	}
	if acct.Subject != "" && conn.Identity.Subject != "" && conn.Identity.Subject != acct.Subject {
		// Keep another person's tokens out of this account; revoke them.
		a.log.Warn("reconnect signed in another user; not saved", "account", id)
		auth.Revoke(ctx, a.http, conn.Provider, conn.Token) //nolint:errcheck // best effort
		return store.Account{}, &OtherUserError{Account: acct.Name, SignedIn: conn.Identity.Label()}
	}
	return a.replaceToken(ctx, acct, p, conn.Token)
}

// replaceToken stores a new sign-in for an existing account, through the
// keeper: the one writer of tokens.
func (a *App) replaceToken(ctx context.Context, acct store.Account, p auth.Provider, tok *auth.Token) (store.Account, error) {
	return a.keeper.SignedIn(ctx, acct, p, tok)
}

// connect runs auth.Connect with the app's HTTP client and logger, and for
// an approval-page provider, the window-title watcher beside the paste box;
// the pages its loopback listener answers the browser with are in the
// user's language (auth.WithWording).
func (a *App) connect(ctx context.Context, p auth.Provider, opts auth.ConnectOptions) (*auth.Connection, error) {
	ctx = auth.WithWording(ctx, words.Wording())
	if opts.HTTPClient == nil {
		opts.HTTPClient = a.http
	}
	if opts.Logger == nil {
		opts.Logger = a.log
	}
	if p.Redirect == auth.RedirectApproval {
		ctx2, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() { stop(); wg.Wait() }()
		opts.Approval = a.approvals(ctx2, &wg, opts.Approval)
	}
	return auth.Connect(ctx, p, opts)
}

// approvals merges what the user pastes with the approval titles read
// from the browser's window, when this desktop lets us read them: the flow
// completes by whichever comes first. Its goroutines end with ctx and are
// counted in wg.
func (a *App) approvals(ctx context.Context, wg *sync.WaitGroup, paste <-chan string) <-chan string {
	merged := make(chan string)
	w, err := title.Open()
	if err != nil {
		a.log.Info("window titles unavailable; waiting for a paste", "reason", err)
	} else {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.Close()
			title.Feed(ctx, w, title.DefaultInterval, merged) //nolint:errcheck // ends with ctx
		}()
	}
	if paste != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case s, ok := <-paste:
					if !ok {
						return
					}
					select {
					case merged <- s:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	return merged
}
