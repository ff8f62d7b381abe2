package keeper

import (
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// deadline is a token's expiry as stored (wall) and on the monotonic clock.
type deadline struct{ wall, mono time.Time }

// margin is how long before expiry the account is refreshed: the
// provider's RefreshMargin (at most half the lifetime), else the configured
// margin (at most 10 % of the lifetime, for short tokens); for a linked
// account at least LinkedMargin (at most half the lifetime).
func (k *Keeper) margin(p auth.Provider, a store.Account) time.Duration {
	m, frac := k.cfg.Margin, time.Duration(10)
	if p.RefreshMargin > 0 {
		m, frac = p.RefreshMargin, 2
	}
	if k.link(a) != nil && m < LinkedMargin {
		m, frac = LinkedMargin, 2
	}
	if life := lifetime(a); life > 0 && life/frac < m {
		m = life / frac
	}
	return m
}

// lifetime is how long the account's current access token lasts, as far as
// the metadata tells.
func lifetime(a store.Account) time.Duration {
	from := obtained(a)
	if a.Expiry.IsZero() || from.IsZero() || !a.Expiry.After(from) {
		return 0
	}
	return a.Expiry.Sub(from)
}

// obtained is when the current token was obtained: the later of connecting
// and the last refresh — unless that lies after the token's expiry, which
// happens when the clock was set back since.
func obtained(a store.Account) time.Time {
	early, late := a.Connected, a.LastRefresh
	if late.Before(early) {
		early, late = late, early
	}
	if !a.Expiry.IsZero() && !late.Before(a.Expiry) {
		return early
	}
	return late
}

// expiry is when tok stops being good: its own expiry, or for a token the
// provider gave no expiry, UnknownLifetime after it was obtained.
func expiry(tok *oauth2.Token, a store.Account) time.Time {
	if auth.ExpiryKnown(tok) {
		return tok.Expiry
	}
	if o := obtained(a); !o.IsZero() {
		return o.Add(UnknownLifetime)
	}
	return time.Time{} // never obtained as far as we know: refresh
}

// expiryOf is when the account's token tok stops being good on the keeper's
// clock: expiry(tok, a), or earlier if this process obtained the token and
// the monotonic clock says less time is left — the wall clock was set back
// since (a wall clock set forward, or a suspend, only makes it refresh
// sooner). Tokens obtained by another process have only their stored expiry.
func (k *Keeper) expiryOf(id string, tok *oauth2.Token, a store.Account) time.Time {
	return k.capExpiry(id, expiry(tok, a))
}

// setDeadline records dl as the expiry of the token this process just
// obtained for account id, or forgets the last one when dl is nil (the
// provider gave no lifetime).
func (k *Keeper) setDeadline(id string, dl *deadline) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if dl != nil {
		k.deadlines[id] = *dl
	} else {
		delete(k.deadlines, id)
	}
}

// capExpiry is e, the stored expiry of account id's token, or earlier when
// e is the expiry of the token this process obtained last (setDeadline) and
// its monotonic deadline, counted from the keeper's clock now, comes first.
func (k *Keeper) capExpiry(id string, e time.Time) time.Time {
	k.mu.Lock()
	d, ok := k.deadlines[id]
	k.mu.Unlock()
	if !ok || e.IsZero() || !d.wall.Equal(e) {
		return e
	}
	if m := k.cfg.Now().Add(time.Until(d.mono)); m.Before(e) {
		return m
	}
	return e
}

// validFor reports whether tok, account id's token, has an access token
// good for more than min from now (expiryOf).
func (k *Keeper) validFor(id string, tok *oauth2.Token, a store.Account, min time.Duration) bool {
	return tok != nil && tok.AccessToken != "" && k.expiryOf(id, tok, a).After(k.cfg.Now().Add(min))
}
