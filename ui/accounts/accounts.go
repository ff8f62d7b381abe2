// Package accounts is Tokentray's application layer, what the tray and the
// command line share: it opens the store, resolves providers (presets,
// overrides and custom ones, with their client credentials), runs the
// keeper, connects, imports and disconnects accounts, and keeps the
// settings and connection profiles. It has no GUI, never imports Fyne, and
// leaves OAuth to auth and OS integration to ui/system.
package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/auth/title"
	"github.com/tokentray/tokentray/store"
	"github.com/tokentray/tokentray/ui/policy"
	"github.com/tokentray/tokentray/ui/words"
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Dir is the store's directory; default store.DefaultDir().
	Dir        string
	HTTPClient *http.Client
	Logger     *slog.Logger
	// ReadPolicy reads the managed settings; default policy.Load.
	ReadPolicy func() *policy.Policy
}

// App is an open store with its keeper. Close it when done.
type App struct {
	store  *store.Store
	keeper *keeper.Keeper
	http   *http.Client
	log    *slog.Logger
	// readPolicy and managed: the managed settings (policy.go).
	readPolicy func() *policy.Policy
	managed    managed
}

// Open opens the store and makes a keeper (not started: the tray starts
// it, the CLI only asks it for tokens).
func Open(opts Options) (*App, error) {
	st, err := store.Open(store.Options{Dir: opts.Dir})
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.ReadPolicy == nil {
		opts.ReadPolicy = policy.Load
	}
	a := &App{store: st, http: opts.HTTPClient, log: opts.Logger, readPolicy: opts.ReadPolicy}
	a.managed.pol = a.loadPolicy()
	settings, err := loadSettings(st)
	if err != nil {
		a.log.Warn("settings unreadable; using the defaults", "err", err)
	}
	a.keeper = keeper.New(keeper.Config{
		Store: st,
		Provider: func(ctx context.Context, acct store.Account) (auth.Provider, error) {
			return a.Provider(ctx, acct.Provider)
		},
		// Statuses (list, status, the window) and due times need no secret:
		// they never wait on the keyring.
		ProviderSettings: func(_ context.Context, acct store.Account) (auth.Provider, error) {
			return a.providerSettings(acct.Provider)
		},
		HTTPClient: opts.HTTPClient,
		Logger:     opts.Logger,
		Margin:     time.Duration(settings.RefreshMarginMinutes) * time.Minute,
		Link:       linkedFile,
	})
	return a, nil
}

// Close stops the keeper.
func (a *App) Close() error { return a.keeper.Close() }

// ErrUnknownProvider: no preset or stored provider has that ID.
var ErrUnknownProvider = errors.New("unknown provider")

func clientSecretName(id string) string { return "client-" + id }

// Provider returns the provider with that ID: its stored settings if any,
// else the preset; with the client secret from the sealed store (which
// reads the keyring).
func (a *App) Provider(ctx context.Context, id string) (auth.Provider, error) {
	pol := a.Policy()
	if c, ok := pol.Mandatory.Providers[id]; ok {
		return a.policyCustom(ctx, c)
	}
	p, err := a.providerSettings(id)
	if err != nil {
		return auth.Provider{}, err
	}
	secret, mandatory := policySecret(pol, id)
	if mandatory {
		p.ClientSecret = secret
		return p, nil
	}
	stored, err := a.store.LoadSecret(ctx, clientSecretName(id))
	switch {
	case err == nil:
		p.ClientSecret = string(stored)
	case errors.Is(err, store.ErrNotFound):
		p.ClientSecret = secret // the recommended one, if any
	default:
		return auth.Provider{}, err
	}
	return p, nil
}

// providerSettings is Provider without the client secret: the stored
// settings, else the preset. It reads no keyring.
func (a *App) providerSettings(id string) (auth.Provider, error) {
	pol := a.Policy()
	if c, ok := pol.Mandatory.Providers[id]; ok {
		return a.policyCustom(nil, c)
	}
	recs, err := a.store.Providers()
	if err != nil {
		return auth.Provider{}, err
	}
	if raw, ok := recs[id]; ok {
		var p auth.Provider
		if err := json.Unmarshal(raw, &p); err != nil {
			return auth.Provider{}, fmt.Errorf("provider %s settings: %w", id, err)
		}
		// Settings stored before a fact of the preset's documents was
		// known (Confidential, EndWhere) get it.
		return applyPolicy(pol, p.Documented()), nil
	}
	if p, ok := auth.Preset(id); ok {
		return applyPolicy(pol, p), nil
	}
	return auth.Provider{}, &NameError{ErrUnknownProvider, id}
}

// Providers returns every preset, stored provider and provider of the
// managed settings that the managed settings offer, by ID. A provider of
// the managed settings not yet used is as far as known without asking its
// issuer.
func (a *App) Providers(ctx context.Context) ([]auth.Provider, error) {
	recs, err := a.store.Providers()
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, p := range auth.Presets() {
		ids[p.ID] = true
	}
	for id := range recs {
		ids[id] = true
	}
	pol := a.Policy()
	for id := range pol.Mandatory.Providers {
		ids[id] = true
	}
	var out []auth.Provider
	for id := range ids {
		if !a.Allowed(id) {
			continue
		}
		var p auth.Provider
		if c, ok := pol.Mandatory.Providers[id]; ok {
			if p, err = a.policyCustom(nil, c); err != nil {
				return nil, err
			}
			p.ClientSecret = c.Secret
		} else if p, err = a.Provider(ctx, id); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// SaveProvider stores p's settings under p.ID; p.ClientSecret, when set, is
// sealed, never written in the settings.
func (a *App) SaveProvider(ctx context.Context, p auth.Provider) error {
	recs, err := a.store.Providers()
	if err != nil {
		return err
	}
	_, stored := recs[p.ID]
	if err := a.checkManaged(p, stored); err != nil {
		return err
	}
	if secret, mandatory := policySecret(a.Policy(), p.ID); mandatory && p.ClientSecret == secret {
		p.ClientSecret = "" // the policy's: never copied to the keyring
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode provider: %w", err)
	}
	return a.store.Update(ctx, func(tx *store.Tx) error {
		if p.ClientSecret != "" {
			if err := tx.SaveSecret(clientSecretName(p.ID), []byte(p.ClientSecret)); err != nil {
				return err
			}
		}
		return tx.PutProvider(p.ID, raw)
	})
}

// ErrNoAccount and ErrAmbiguous are Find's failures.
var (
	ErrNoAccount = errors.New("no such account")
	ErrAmbiguous = errors.New("more than one account has that name")
)

// NameError is a name the user gave that picks no provider, no account or
// more than one account (Err: ErrUnknownProvider, ErrNoAccount or
// ErrAmbiguous, which it matches with errors.Is).
type NameError struct {
	Err  error
	Name string
}

func (e *NameError) Error() string { return fmt.Sprintf("%v %q", e.Err, e.Name) }
func (e *NameError) Unwrap() error { return e.Err }

// Message says it in the user's words.
func (e *NameError) Message() string {
	data := map[string]any{"Name": e.Name}
	switch e.Err {
	case ErrUnknownProvider:
		return words.L("There is no provider “{{.Name}}”.", data)
	case ErrAmbiguous:
		return words.L("More than one account is named “{{.Name}}”: give the account's ID instead.", data)
	}
	return words.L("There is no account named “{{.Name}}”.", data)
}

// Find returns the account whose ID or name (any case) is name.
func (a *App) Find(name string) (store.Account, error) {
	accts, err := a.store.Accounts()
	if err != nil {
		return store.Account{}, err
	}
	var found []store.Account
	for _, acct := range accts {
		if acct.ID == name {
			return acct, nil
		}
		if strings.EqualFold(acct.Name, name) {
			found = append(found, acct)
		}
	}
	switch len(found) {
	case 0:
		return store.Account{}, &NameError{ErrNoAccount, name}
	case 1:
		return found[0], nil
	}
	return store.Account{}, &NameError{ErrAmbiguous, name}
}

func newID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

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

// OtherUserError: a reconnect signed in someone other than the account's
// user.
type OtherUserError struct{ Account, SignedIn string }

func (e *OtherUserError) Error() string {
	return fmt.Sprintf("reconnect of %q signed in another user (%q)", e.Account, e.SignedIn)
}

// Message says what happened and what to do.
func (e *OtherUserError) Message() string {
	return words.L("You signed in as {{.User}}, but this account belongs to someone else. Sign out of the provider in your browser "+
		"and reconnect as the account's user, or connect {{.User}} as a new account.", map[string]any{"User": e.SignedIn})
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

// extraLinkedFile is the account metadata naming the Claude Code
// credentials file an account's sign-in is shared through.
const extraLinkedFile = "linked_file"

// linkedFile is the keeper's Link: an account imported from Claude Code's
// file stays linked to it.
func linkedFile(acct store.Account) keeper.Link {
	if path := acct.Extra[extraLinkedFile]; path != "" {
		return claude.File{Path: path}
	}
	return nil
}

// LinkedFile is the Claude Code credentials file the account's sign-in is
// shared with, or "".
func LinkedFile(acct store.Account) string { return acct.Extra[extraLinkedFile] }

// ImportClaude stores a Claude sign-in as a new Anthropic account, named
// name (default: the sign-in's Label). With link (only for a sign-in read
// from Claude Code's file), the account stays linked to that file, so
// that Tokentray and Claude Code keep one sign-in between them.
func (a *App) ImportClaude(ctx context.Context, s claude.SignIn, name string, link bool) (store.Account, error) {
	p, err := a.Provider(ctx, "anthropic")
	if err != nil {
		return store.Account{}, err
	}
	if name == "" {
		name = s.Label()
	}
	acct := store.Account{Provider: p.ID, Name: name}
	if err := linkTo(&acct, s, link); err != nil {
		return store.Account{}, err
	}
	return a.add(ctx, acct, p, s.Token)
}

// ErrNotLinkable: only a sign-in read from Claude Code's own file can be
// linked.
var ErrNotLinkable = errors.New("only a sign-in read from Claude Code's credentials file can stay linked to it")

func linkTo(acct *store.Account, s claude.SignIn, link bool) error {
	if !link {
		return nil
	}
	if s.Path == "" {
		return ErrNotLinkable
	}
	if acct.Extra == nil {
		acct.Extra = map[string]string{}
	}
	acct.Extra[extraLinkedFile] = s.Path
	return nil
}

// ReimportClaude replaces an imported account's sign-in with s (Claude
// Code signed in again): the account keeps its ID and name, so scripts
// using it keep working.
func (a *App) ReimportClaude(ctx context.Context, id string, s claude.SignIn, link bool) (store.Account, error) {
	acct, err := a.store.Account(id)
	if err != nil {
		return store.Account{}, err
	}
	p, err := a.Provider(ctx, acct.Provider)
	if err != nil {
		return store.Account{}, err
	}
	if p.Redirect != auth.RedirectNone {
		return store.Account{}, fmt.Errorf("%s is connected through the browser, not imported: reconnect it instead", acct.Name)
	}
	delete(acct.Extra, extraLinkedFile)
	if err := linkTo(&acct, s, link); err != nil {
		return store.Account{}, err
	}
	if st := s.Plan(); st != "" {
		if acct.Extra == nil {
			acct.Extra = map[string]string{}
		}
		acct.Extra["subscription_type"] = st
	}
	return a.replaceToken(ctx, acct, p, s.Token)
}

// NeedsImportError is Reconnect of an imported account that no file can
// renew: the sign-in has to come from Claude again.
type NeedsImportError struct{ Account string }

func (e *NeedsImportError) Error() string {
	return fmt.Sprintf("%s was imported: reconnecting means importing it again", e.Account)
}

// Message says what to do.
func (e *NeedsImportError) Message() string {
	return words.L("Sign in to Claude again (in Claude Code: /login), then import the new sign-in into {{.Name}} "+
		"(Import Claude sign-in, or: {{.Command}}).", map[string]any{"Name": e.Account,
		"Command": `tokentray import anthropic --account "` + e.Account + `" --file ~/.claude/.credentials.json`})
}

// add names a new account and stores it through the keeper. (Two
// connects finishing at the same moment with the same name may both keep
// it; Find then asks for the ID.)
func (a *App) add(ctx context.Context, acct store.Account, p auth.Provider, tok *auth.Token) (store.Account, error) {
	accts, err := a.store.Accounts()
	if err != nil {
		return store.Account{}, err
	}
	acct.ID = newID()
	acct.Name = uniqueName(accts, acct.Name, p.Name)
	return a.keeper.SignedIn(ctx, acct, p, tok)
}

// uniqueName is name (or fallback) made distinct from the accounts' names.
func uniqueName(accts []store.Account, name, fallback string) string {
	if name == "" {
		name = fallback
	}
	taken := map[string]bool{}
	for _, a := range accts {
		taken[strings.ToLower(a.Name)] = true
	}
	out := name
	for i := 2; taken[strings.ToLower(out)]; i++ {
		out = fmt.Sprintf("%s (%d)", name, i)
	}
	return out
}

// Disconnect forgets an account: unless keepRemote, it first tells the
// provider (Clio deauthorize, RFC 7009); the local secrets are deleted even
// when that fails, and the failure is returned (a *RevokeError when the
// provider could not be told). What it did is returned for the user to read
// (Disconnected.Message).
func (a *App) Disconnect(ctx context.Context, id string, keepRemote bool) (Disconnected, error) {
	acct, err := a.store.Account(id)
	if err != nil {
		return Disconnected{}, err
	}
	d := Disconnected{Account: acct.Name, Provider: a.ProviderName(acct.Provider), NotTold: keepRemote}
	if p, err := a.providerSettings(acct.Provider); err == nil {
		d.EndWhere = p.EndWhere
	}
	var remoteErr error
	if !keepRemote {
		remoteErr = a.revoke(ctx, acct, &d)
	}
	if errors.Is(remoteErr, auth.ErrNoRevocation) {
		d.NotTold, d.NoWay, remoteErr = true, true, nil
	}
	if errors.Is(remoteErr, store.ErrKeyringUnavailable) {
		// The token could not even be read to revoke it: forgetting the
		// account now would leave its access live at the provider, and
		// nothing here able to end it.
		return Disconnected{}, &KeptError{Err: remoteErr}
	}
	if err := a.keeper.Forget(ctx, id); err != nil {
		return Disconnected{}, err
	}
	if remoteErr != nil {
		remoteErr = &RevokeError{Disconnected: d, Err: remoteErr}
	}
	return d, remoteErr
}

// KeptError is Disconnect keeping the account because revoking it at the
// provider could not even be tried, for a reason on this computer (the
// keyring is locked or missing) that the user can fix.
type KeptError struct{ Err error }

func (e *KeptError) Error() string { return "account kept: " + e.Err.Error() }
func (e *KeptError) Unwrap() error { return e.Err }

// Message says what to fix, and that nothing was removed.
func (e *KeptError) Message() string {
	return words.L("{{.Why}} The account was kept, so that its access can still be revoked at the provider "+
		"once that is fixed. (To forget it on this computer only, disconnect it without revoking.)", map[string]any{"Why": words.Message(e.Err)})
}

// Disconnected is what a Disconnect did, in the words the command line and
// the tray both show (Message).
type Disconnected struct {
	Account  string // the account's name
	Provider string // its provider's name, as shown
	// ClioManage is, for a Clio account, its region's Clio Manage address
	// (the provider's host): Clio's deauthorize ends only the access token
	// sent, and the app's authorization stays until the user removes it
	// there.
	ClioManage string
	// AlreadyEnded: the provider had ended the grant already (the refresh
	// before deauthorizing said only reconnecting would help), so there was
	// nothing left to revoke.
	AlreadyEnded bool
	// NotTold: the provider was not asked to end the access — the user
	// chose so (keep remote), or NoWay: it offers no way to (Anthropic,
	// ClientCasa).
	NotTold, NoWay bool
	// EndWhere is where the user ends the access at the provider
	// themselves, as its documents say (the provider's EndWhere: ClientCasa's
	// dashboard); zero when they say nothing.
	EndWhere auth.EndPlace
}

// Message says what was removed, and what the provider still holds.
func (d Disconnected) Message() string {
	w := map[string]any{"Name": d.Account, "Provider": d.Provider}
	if d.EndWhere.ID != "" {
		w["Where"] = d.EndWhere
	}
	switch {
	case d.NoWay && d.EndWhere.ID != "":
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told (it offers no way to end a sign-in from Tokentray), "+
			"so its access stays live there until you revoke it {{.Where}}.", w)
	case d.NoWay:
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told (it offers no way to end a sign-in from Tokentray).", w)
	case d.NotTold && d.EndWhere.ID != "":
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told, so its access stays live there "+
			"until you revoke it {{.Where}}.", w)
	case d.NotTold:
		return words.L("Removed {{.Name}} from this computer; {{.Provider}} was not told, so its access stays live there "+
			"until you remove the app in your account settings at {{.Provider}}.", w)
	case d.AlreadyEnded:
		return words.L("Removed {{.Name}} from this computer. {{.Provider}} had already ended its access, so there was nothing left to revoke there.", w)
	case d.ClioManage != "":
		w["Where"] = d.clioWhere()
		return words.L("Disconnected {{.Name}}. Clio ended the access token Tokentray held. Clio keeps the app's authorization until you remove it: {{.Where}}", w)
	}
	return words.L("Disconnected {{.Name}}.", w)
}

// clioWhere is where, in Clio Manage, the user removes the app. Clio's
// documentation names no settings address, so the page is described, not
// linked.
func (d Disconnected) clioWhere() string {
	return words.L("in Clio Manage ({{.Address}}), open Settings and remove the app under the apps you have connected.",
		map[string]any{"Address": d.ClioManage})
}

// RevokeError is Disconnect having forgotten the account here while the
// provider could not be told to end its access (unreachable, an error
// answer): the access may still be live there.
type RevokeError struct {
	Disconnected
	Err error
}

func (e *RevokeError) Error() string { return "account removed; revoke failed: " + e.Err.Error() }
func (e *RevokeError) Unwrap() error { return e.Err }

// Message says that the account is gone from here, why the provider was not
// told, and how the user can end the access there. Unlike words.Message it
// promises no retry: nothing is left here to retry with.
func (e *RevokeError) Message() string {
	var why string
	var ae *auth.Error
	errors.As(e.Err, &ae)
	switch {
	case ae == nil:
		why = words.L("something went wrong.")
	case ae.Kind == auth.KindTransient && ae.Status == 0 && !ae.Unreadable:
		why = words.L("Tokentray could not reach it (check your internet connection).")
	case ae.Kind == auth.KindTransient:
		why = words.L("it did not answer properly.")
	case ae.Kind == auth.KindMisconfigured && ae.Op == "refresh":
		why = words.L("it refused Tokentray's client settings (client ID or secret).")
	case ae.Kind == auth.KindCanceled:
		why = words.L("disconnecting was cancelled before it answered.")
	default:
		why = words.L("it refused the request.")
	}
	w := map[string]any{"Name": e.Account, "Provider": e.Provider, "Why": why}
	msg := words.L("Removed {{.Name}} from this computer, but {{.Provider}} could not be told to end its access: {{.Why}}", w)
	if e.ClioManage != "" {
		return msg + " " + words.L("Its access may still be live at Clio. To end it: {{.Where}}", map[string]any{"Where": e.clioWhere()})
	}
	if e.EndWhere.ID != "" {
		return msg + " " + words.L("Its access may still be live there: to end it, revoke it {{.Where}}.", map[string]any{"Where": e.EndWhere})
	}
	return msg + " " + words.L("Its access may still be live there: to end it, remove the app's access in your account settings at {{.Provider}}.", w)
}

// revoke tells the provider to end acct's access, noting in d what it did.
func (a *App) revoke(ctx context.Context, acct store.Account, d *Disconnected) error {
	p, err := a.Provider(ctx, acct.Provider)
	if err != nil {
		return err
	}
	tok, err := a.store.LoadToken(ctx, acct.ID)
	if err != nil {
		return err
	}
	if p.Revoke == auth.RevokeClio {
		d.ClioManage = clioManage(p)
		// Clio ends only the access token it is sent, and answers 401 to
		// an expired one: send a live one. A token still good is sent as it
		// is (a refresh would leave it live for whoever copied it); an
		// expired one, or one about to expire, is refreshed first, through
		// the keeper (which also knows a grant it found dead).
		expiring := tok != nil && (tok.AccessToken == "" || auth.ExpiryKnown(tok) && time.Until(tok.Expiry) < clioRevokeMinValid)
		if expiring || acct.Status == keeper.StatusReconnect {
			tok, err = a.keeper.EnsureFresh(ctx, acct.ID, clioRevokeMinValid)
			if errors.Is(err, auth.ErrReconnectNeeded) {
				// Clio's refresh tokens do not expire: one it no longer
				// takes means the grant was ended there (as removing the
				// app in Clio Manage does, with all its tokens).
				d.AlreadyEnded = true
				return nil
			}
			if err != nil {
				return fmt.Errorf("refresh before deauthorizing: %w", err)
			}
		}
	}
	return auth.Revoke(ctx, a.http, p, tok)
}

// clioRevokeMinValid is how long a Clio access token must stay good for
// the deauthorize request that carries it.
const clioRevokeMinValid = time.Minute

// clioManage is the Clio Manage address of a Clio provider's region: the
// scheme and host its endpoints are on (https://eu.app.clio.com for
// clio-eu).
func clioManage(p auth.Provider) string {
	for _, raw := range []string{p.RevokeURL, p.Endpoint.AuthURL} {
		if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	return auth.ClioHostUS
}

// Statuses is the keeper's view of every account.
func (a *App) Statuses() ([]keeper.Status, error) { return a.keeper.Statuses() }

// Subscribe subscribes to the keeper's events.
func (a *App) Subscribe(buffer int) (<-chan keeper.Event, func()) { return a.keeper.Subscribe(buffer) }

// EnsureFresh is the keeper's EnsureFresh: the one way tokens are handed
// out.
func (a *App) EnsureFresh(ctx context.Context, id string, minValid time.Duration) (*auth.Token, error) {
	return a.keeper.EnsureFresh(ctx, id, minValid)
}

// StartKeeper starts background refreshing (the tray does; the CLI does
// not).
func (a *App) StartKeeper() { a.keeper.Start() }

// CheckKeyring asks whether the store's keyring works (store's
// CheckKeyring: its service name and timeout).
func (a *App) CheckKeyring(ctx context.Context) error { return a.store.CheckKeyring(ctx) }

// ConfigDir is where the store lives.
func (a *App) ConfigDir() string { return a.store.Dir() }

// ProviderName is the name shown for a provider ID; it reads no secret.
func (a *App) ProviderName(id string) string {
	if c, ok := a.Policy().Mandatory.Providers[id]; ok {
		return c.Name
	}
	if recs, err := a.store.Providers(); err == nil {
		var p auth.Provider
		if raw, ok := recs[id]; ok && json.Unmarshal(raw, &p) == nil && p.Name != "" {
			return words.ProviderName(id, p.Name)
		}
	}
	if p, ok := auth.Preset(id); ok {
		return words.ProviderName(id, p.Name)
	}
	return id
}

// AddProvider makes a custom provider from an issuer URL (OIDC or RFC 8414
// discovery) and stores it under id.
func (a *App) AddProvider(ctx context.Context, id, name, issuer, clientID, secret string) (auth.Provider, error) {
	if _, preset := auth.Preset(id); preset {
		return auth.Provider{}, fmt.Errorf("%q is a built-in provider", id)
	}
	if !a.CustomProvidersAllowed() {
		return auth.Provider{}, &ManagedError{What: ManagedNoCustom, By: ManagedBy(a.Policy())}
	}
	p, err := auth.Custom{ID: id, Name: name, Issuer: issuer, ClientID: clientID, ClientSecret: secret}.Build(ctx, a.http)
	if err != nil {
		return auth.Provider{}, err
	}
	return p, a.SaveProvider(ctx, p)
}
