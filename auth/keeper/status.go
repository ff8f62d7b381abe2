package keeper

import (
	"time"

	"github.com/tokentray/tokentray/store"
)

// Status is one account as the keeper sees it.
type Status struct {
	store.Account
	NextRetry time.Time // when failing
	// RenewAt is when the scheduler will next refresh the account (its
	// expiry less the margin, or the retry); zero for an account that
	// needs reconnecting, or whose provider is unknown.
	RenewAt time.Time
}

// Statuses returns every account with its retry and renewal times. It
// reads no secret — the accounts' metadata and their providers' settings
// (Config.ProviderSettings) only — so a locked keyring does not hold it up.
func (k *Keeper) Statuses() ([]Status, error) {
	accts, err := k.cfg.Tokens.Accounts()
	if err != nil {
		return nil, err
	}
	out := make([]Status, len(accts))
	for i, a := range accts {
		out[i] = Status{Account: a, NextRetry: k.retryAt(a.ID)}
		if a.Status != StatusReconnect {
			if at, _, err := k.due(a); err == nil {
				out[i].RenewAt = at
			}
		}
	}
	return out, nil
}
