package keeper

import (
	"time"

	"github.com/tokentray/tokentray/store"
)

// run is the scheduler: one goroutine for all accounts. It sleeps until the
// earliest due time, but never longer than CheckInterval, because Go's
// timers stop while the machine is suspended: after a wake-up, overdue
// tokens are refreshed at the next look at the wall clock. The refreshes
// run beside it (startRefresh), so that a provider slow to answer delays
// no other account; each wakes it when it ends.
func (k *Keeper) run() {
	for {
		next := k.pass(true)
		if k.onTick != nil && k.idle() {
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

// pass looks at every account once and returns when the scheduler should
// look again: the earliest due time, at most CheckInterval from now. With
// start, it starts a refresh of each account that is due (startRefresh);
// an account being refreshed is left out of the next due time, because its
// refresh wakes the scheduler when it ends. Without start it only looks.
func (k *Keeper) pass(start bool) time.Time {
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
		if a.Status == StatusReconnect || k.isRefreshing(a.ID) {
			continue
		}
		k.warnRefreshExpiry(a, now)
		due, margin, err := k.due(a)
		if err != nil {
			k.cfg.Logger.Warn("account has no usable provider", "account", a.ID, "err", err)
			continue
		}
		if start && !due.After(now) {
			// Started, or every slot is taken: either way the end of a
			// refresh brings the scheduler back to this account.
			k.startRefresh(a.ID, margin)
			continue
		}
		if due.Before(next) {
			next = due
		}
	}
	return next
}

// startRefresh starts the scheduler's refresh of account id (valid for at
// least margin) in a goroutine the keeper owns: Close ends it (the keeper's
// context) and waits for it, and for the refresh it waited on. At most
// maxRefreshes run at once, one per account; none is started when every
// slot is taken, the account is being refreshed already, or the keeper is
// closed. It reports whether it started one. When the refresh ends it
// wakes the scheduler, which looks at the account again. Failures are
// recorded (status, retry time, events) by refresh.
func (k *Keeper) startRefresh(id string, margin time.Duration) bool {
	select {
	case k.slots <- struct{}{}:
	default:
		return false
	}
	done := make(chan struct{})
	k.mu.Lock()
	if _, busy := k.refreshing[id]; busy || k.closed {
		k.mu.Unlock()
		<-k.slots
		return false
	}
	k.refreshing[id] = done
	k.wg.Add(1)
	k.mu.Unlock()
	go func() {
		defer k.wg.Done()
		_, err := k.refreshShared(k.ctx, id, margin)
		if err != nil && !k.retryAt(id).After(k.cfg.Now()) && k.ctx.Err() == nil {
			// A failure before anything was recorded (the lock could not be
			// taken, the provider not found): back off all the same, or the
			// account stays due and the scheduler spins.
			k.scheduleRetry(id, err, k.cfg.Now())
		}
		<-k.slots
		k.mu.Lock()
		delete(k.refreshing, id)
		k.mu.Unlock()
		close(done)
		k.Wake()
	}()
	return true
}

// isRefreshing reports whether the scheduler's refresh of account id is
// running.
func (k *Keeper) isRefreshing(id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.refreshing[id]
	return ok
}

// idle reports whether no refresh the scheduler started is running.
func (k *Keeper) idle() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.refreshing) == 0
}

// due is when the account should next be refreshed, and the margin used.
func (k *Keeper) due(a store.Account) (time.Time, time.Duration, error) {
	p, err := k.cfg.ProviderSettings(k.ctx, a)
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
