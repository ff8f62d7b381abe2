package keeper

import (
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/store"
)

// Link is a sign-in shared with another program through a file: Read
// returns the pair in it, Write replaces it.
type Link interface {
	Read() (*oauth2.Token, error)
	Write(*oauth2.Token) error
}

// LinkedMargin is how early a linked account is refreshed: before the other
// program (Claude Code renews 5 minutes before expiry) would, so that it
// finds the new pair in the file instead of spending the old one.
const LinkedMargin = 15 * time.Minute

// link is the account's linked file, or nil.
func (k *Keeper) link(a store.Account) Link {
	if k.cfg.Link == nil {
		return nil
	}
	return k.cfg.Link(a)
}

// linkSlack is how much earlier than ours a linked file's pair may expire
// and still be taken as newer: expiries are counted from whole seconds
// (expires_in) by two programs, so a pair renewed just after ours can
// seem to expire a little sooner. A stale pair written back by the other
// program expires a whole refresh interval sooner.
const linkSlack = time.Minute

// newerInLink returns the pair in the linked file when it is not tok's and
// expires no earlier (within linkSlack): the other program renewed the
// sign-in since, or signed in again. A file that is gone or unreadable is
// passed over (the other program signed out; Tokentray goes on with its
// own pair).
func (k *Keeper) newerInLink(link Link, id string, tok *oauth2.Token) *oauth2.Token {
	if link == nil || tok == nil {
		return nil
	}
	ft, err := link.Read()
	if err != nil {
		// Not a warning: Claude Code signing out removes its file, and
		// every token asked for would then say so on stderr.
		k.cfg.Logger.Info("the linked credentials file is unreadable; going on without it", "account", id, "err", err)
		return nil
	}
	if ft.RefreshToken == tok.RefreshToken || ft.Expiry.Before(tok.Expiry.Add(-linkSlack)) {
		return nil
	}
	return ft
}
