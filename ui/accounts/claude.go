package accounts

import (
	"context"
	"fmt"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/claude"
	"github.com/tokentray/tokentray/auth/keeper"
	"github.com/tokentray/tokentray/store"
)

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
