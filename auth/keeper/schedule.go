package keeper

import (
	"time"

	"github.com/tokentray/tokentray/store"
)

// run is the scheduler: one goroutine for all accounts. It sleeps until the
// earliest due time, but never longer than CheckInterval, because Go's
// timers stop while the machine is suspended: after a wake-up, overdue
// tokens are refreshed at the next look at the wall clock.
func (k *Keeper) run() {
	for {
		next := k.tick()
		if k.onTick != nil {
			k.onTick()
		}
		wait := next.Sub(k.cfg.Now())
		wait = max(0, min(wait, k.cfg.CheckInterval))
		timer := time.NewTimer(wait)
		select {
		case <-k.ctx.Done():
			timer.Stop()
			return
		case <-k.wake:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// tick refreshes every account that is due and returns when the next one
// will be.
func (k *Keeper) tick() time.Time {
	now := k.cfg.Now()
	next := now.Add(k.cfg.CheckInterval)
	accts, err := k.cfg.Tokens.Accounts()
	if err != nil {
		k.cfg.Logger.Error("cannot read the accounts", "err", err)
		return next
	}
	for _, a := range accts {
		if k.ctx.Err() != nil {
			return next
		}
		if a.Status == StatusReconnect {
			continue
		}
		k.warnRefreshExpiry(a, now)
		due, margin, err := k.due(a)
		if err != nil {
			k.cfg.Logger.Warn("account has no usable provider", "account", a.ID, "err", err)
			continue
		}
		if !due.After(now) {
			// Failures are recorded (status, retry time, events) by
			// refresh; here they only move the next due time.
			if _, err := k.refreshShared(k.ctx, a.ID, margin); err == nil {
				if a, err = k.cfg.Tokens.Account(a.ID); err != nil {
					continue
				}
			} else if !k.retryAt(a.ID).After(k.cfg.Now()) && k.ctx.Err() == nil {
				// A failure before anything was recorded (the lock could not
				// be taken, the provider not found): back off all the same,
				// or the due time stays in the past and the loop spins.
				k.scheduleRetry(a.ID, err, k.cfg.Now())
			}
			if due, _, err = k.due(a); err != nil {
				continue
			}
			if r := k.retryAt(a.ID); r.After(due) {
				due = r
			}
		}
		if due.Before(next) {
			next = due
		}
	}
	return next
}

// due is when the account should next be refreshed, and the margin used.
func (k *Keeper) due(a store.Account) (time.Time, time.Duration, error) {
	p, err := k.cfg.Provider(k.ctx, a)
	if err != nil {
		return time.Time{}, 0, err
	}
	m := k.margin(p, a)
	var at time.Time
	switch {
	case !a.Expiry.IsZero():
		at = k.capExpiry(a.ID, a.Expiry).Add(-m)
	case !obtained(a).IsZero():
		at = obtained(a).Add(UnknownLifetime - m)
	}
	if r := k.retryAt(a.ID); r.After(at) {
		at = r
	}
	return at, m, nil
}

// warnRefreshExpiry announces, once, a refresh token that dies soon.
func (k *Keeper) warnRefreshExpiry(a store.Account, now time.Time) {
	if !a.RefreshExpiry.IsZero() && a.RefreshExpiry.Sub(now) < RefreshTokenWarning {
		k.emit(Event{Account: a.ID, Kind: EventRefreshTokenExpiring, Expiry: a.RefreshExpiry, At: now})
	}
}
