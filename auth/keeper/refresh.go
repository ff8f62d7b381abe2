package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/store"
)

// refresh re-reads the stored token under the store's lock and refreshes it
// unless it is (now) valid for minValid and not stale (an access token a
// service refused; "" for none). It runs on the keeper's context, not the
// caller's, so that an answered refresh is always stored.
func (k *Keeper) refresh(id string, minValid time.Duration, stale string) (*oauth2.Token, error) {
	if !k.track() {
		return nil, ErrClosed
	}
	defer k.wg.Done()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(k.ctx), refreshTimeout)
	defer cancel()

	var (
		out     *oauth2.Token
		events  []Event
		metaErr error // the token is safe, but its metadata was not written
	)
	err := k.cfg.Tokens.Locked(ctx, id, func(tx AccountTx) error {
		acct, err := tx.Account()
		if err != nil {
			return err
		}
		link := k.link(acct)
		needsReconnect := &auth.Error{Kind: auth.KindReconnect, Op: "refresh", Err: errors.New("account needs reconnecting")}
		if acct.Status == StatusReconnect && link == nil {
			return needsReconnect
		}
		tok, err := k.loadUnsaved(tx, id)
		if err != nil {
			events = append(events, k.storeFailed(tx, acct, err)...)
			return err
		}
		ft := k.newerInLink(link, id, tok)
		if acct.Status == StatusReconnect && ft == nil {
			return needsReconnect
		}
		if ft != nil {
			// The other program refreshed (or signed in again): take its
			// pair, which made ours stale.
			if err := tx.SaveToken(ft); err != nil {
				events = append(events, k.storeFailed(tx, acct, err)...)
				return err
			}
			tok = ft
			if acct.Status == StatusReconnect {
				// Signed in again there: the account works again.
				acct.Status, acct.LastProblem, acct.LastError, acct.Expiry = StatusOK, store.Problem{}, "", time.Time{}
				events = append(events, Event{Account: id, Kind: EventConnected, At: k.cfg.Now()})
			}
		}
		if k.validFor(id, tok, acct, minValid) && (stale == "" || tok.AccessToken != stale) {
			out = tok // another process (or goroutine) refreshed it: adopt
			if auth.ExpiryKnown(tok) && !acct.Expiry.Equal(tok.Expiry) {
				// An earlier metadata write failed (a full disk): repair.
				acct.Expiry, acct.Status, acct.LastProblem, acct.LastError = tok.Expiry, StatusOK, store.Problem{}, ""
				if metaErr = tx.PutAccount(acct); metaErr == nil {
					events = append(events, Event{Account: id, Kind: EventRefreshed, Expiry: acct.Expiry, At: k.cfg.Now()})
				}
			}
			return nil
		}
		p, err := k.cfg.Provider(ctx, acct)
		if err != nil {
			return fmt.Errorf("provider of %s: %w", id, err)
		}
		asked, askedMono := k.cfg.Now(), time.Now()
		nt, rerr := auth.Refresh(ctx, k.cfg.HTTPClient, p, tok)
		if auth.KindOf(rerr) == auth.KindReconnect {
			if ft := k.newerInLink(link, id, tok); ft != nil {
				// The other program spent the pair at the same moment and
				// wrote its new one: take that, refreshing it if need be.
				if err := tx.SaveToken(ft); err != nil {
					events = append(events, k.storeFailed(tx, acct, err)...)
					return err
				}
				tok = ft
				if k.validFor(id, tok, acct, minValid) {
					acct.Expiry, acct.Status, acct.LastProblem, acct.LastError = tok.Expiry, StatusOK, store.Problem{}, ""
					metaErr, out = tx.PutAccount(acct), tok
					events = append(events, Event{Account: id, Kind: EventRefreshed, Expiry: acct.Expiry, At: k.cfg.Now()})
					return nil
				}
				asked, askedMono = k.cfg.Now(), time.Now()
				nt, rerr = auth.Refresh(ctx, k.cfg.HTTPClient, p, tok)
			}
		}
		now := k.cfg.Now()
		var dl *deadline
		if nt != nil && nt.ExpiresIn > 0 {
			// Count the lifetime on the keeper's clock from when we asked,
			// as x/oauth2 would on time.Now from when the answer came.
			life := time.Duration(nt.ExpiresIn) * time.Second
			nt.Expiry = asked.Add(life)
			dl = &deadline{wall: nt.Expiry, mono: askedMono.Add(life)}
		}
		if rerr != nil {
			events = append(events, k.failed(tx, acct, tok, p, rerr, now)...)
			return rerr
		}
		k.mu.Lock()
		if dl != nil {
			k.deadlines[id] = *dl
		} else {
			delete(k.deadlines, id)
		}
		k.mu.Unlock()
		// Persist first: the old refresh token may be dead already.
		if err := tx.SaveToken(nt); err != nil {
			k.mu.Lock()
			k.unsaved[id] = nt
			k.mu.Unlock()
			k.cfg.Logger.Error("could not store a refreshed token; keeping it in memory", "account", id, "err", err)
			events = append(events, k.storeFailed(tx, acct, err)...)
			return err
		}
		k.mu.Lock()
		delete(k.unsaved, id)
		k.mu.Unlock()
		acct = refreshed(acct, p, tok, nt, now)
		if link != nil {
			if err := link.Write(nt); err != nil {
				// Tokentray's pair is safe; the other program's is now
				// spent. Say so where the account's state is shown.
				k.cfg.Logger.Error("could not write the renewed sign-in to the linked file", "account", id, "err", err)
				acct.LastProblem = ProblemOf(&LinkError{Err: err})
			}
		}
		// The token is safe; if this fails, only the displayed metadata
		// is stale, and it is written again at the next try.
		metaErr = tx.PutAccount(acct)
		out = nt
		events = append(events, Event{Account: id, Kind: EventRefreshed, Expiry: acct.Expiry, At: now})
		return nil
	})
	for _, e := range events {
		k.emit(e)
	}
	if err != nil {
		return nil, err
	}
	if metaErr != nil {
		k.cfg.Logger.Warn("could not update account metadata; trying again later", "account", id, "err", metaErr)
		k.scheduleRetry(id, metaErr, k.cfg.Now())
		return out, nil
	}
	k.succeeded(id)
	return out, nil
}
