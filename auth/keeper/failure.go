package keeper

import (
	"errors"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// retry is an account's backoff after a transient failure: its schedule,
// and when the account may next be tried.
type retry struct {
	b    *backoff.ExponentialBackOff
	next time.Time
}

// storeFailed records a refresh that failed in the store (the keyring, a
// full disk): the account is failing and retried with backoff like after a
// transient failure, so that the scheduler never spins on it. It returns the
// event to announce once the lock is released.
func (k *Keeper) storeFailed(tx AccountTx, a store.Account, err error) []Event {
	now := k.cfg.Now()
	next := k.scheduleRetry(a.ID, err, now)
	a.Status, a.LastProblem, a.LastError = StatusFailing, ProblemOf(err), ""
	if perr := tx.PutAccount(a); perr != nil {
		k.cfg.Logger.Warn("could not record a failed refresh", "account", a.ID, "err", perr)
	}
	return []Event{{Account: a.ID, Kind: EventRefreshFailed, Err: err, NextRetry: next, At: now}}
}

// failed records a refresh the provider failed (err): a grant that is gone
// (auth.KindReconnect) makes the account need reconnecting and ends its
// retries; any other failure makes it failing, retried with backoff, and,
// once tok is within the refresh margin, expiring soon. It returns the
// events to announce once the lock is released.
func (k *Keeper) failed(tx AccountTx, a store.Account, tok *oauth2.Token, p auth.Provider, err error, now time.Time) []Event {
	var events []Event
	a.LastProblem, a.LastError = ProblemOf(err), ""
	if auth.KindOf(err) == auth.KindReconnect {
		if a.Status != StatusReconnect {
			events = append(events, Event{Account: a.ID, Kind: EventReconnectNeeded, Err: err, At: now})
		}
		a.Status = StatusReconnect
		k.mu.Lock()
		delete(k.retries, a.ID)
		k.mu.Unlock()
	} else {
		a.Status = StatusFailing
		next := k.scheduleRetry(a.ID, err, now)
		events = append(events, Event{Account: a.ID, Kind: EventRefreshFailed, Err: err, NextRetry: next, At: now})
		if !k.validFor(a.ID, tok, a, k.margin(p, a)) {
			events = append(events, Event{Account: a.ID, Kind: EventExpiringSoon, Expiry: k.expiryOf(a.ID, tok, a), Err: err, At: now})
		}
	}
	if perr := tx.PutAccount(a); perr != nil {
		k.cfg.Logger.Warn("could not record a failed refresh", "account", a.ID, "err", perr)
	}
	return events
}

// scheduleRetry sets the next attempt after a transient failure: the
// backoff's next interval, or the server's Retry-After if longer.
func (k *Keeper) scheduleRetry(id string, err error, now time.Time) time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	r := k.retries[id]
	if r == nil {
		r = &retry{b: k.cfg.Backoff()}
		k.retries[id] = r
	}
	wait := r.b.NextBackOff()
	var ae *auth.Error
	if errors.As(err, &ae) && ae.RetryAfter > wait {
		wait = ae.RetryAfter
	}
	r.next = now.Add(wait)
	return r.next
}

// succeeded ends account id's backoff after a refresh that succeeded, and
// lets "expiring soon" be announced again.
func (k *Keeper) succeeded(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.retries, id)
	delete(k.said[id], EventExpiringSoon)
}

// retryAt is when a failing account may be tried again (zero: any time).
func (k *Keeper) retryAt(id string) time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	if r := k.retries[id]; r != nil {
		return r.next
	}
	return time.Time{}
}
