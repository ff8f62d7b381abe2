package keeper

import "time"

// EventKind says what changed for an account.
type EventKind int

const (
	// EventConnected: an account was connected or reconnected (here, or,
	// for a linked account, in the other program).
	EventConnected EventKind = iota + 1
	// EventRefreshed: the account's metadata has a new access token's
	// expiry (Expiry): refreshed here, or adopted (from another process or
	// the linked file) when the metadata said otherwise.
	EventRefreshed
	// EventRefreshFailed: a refresh failed for now; NextRetry says when the
	// next attempt is. Sent for every failed attempt.
	EventRefreshFailed
	// EventExpiringSoon: the access token is within the refresh margin (or
	// expired) and refreshing fails. Sent once until a refresh succeeds.
	EventExpiringSoon
	// EventReconnectNeeded: the grant is gone; retries have stopped. Sent
	// once per loss.
	EventReconnectNeeded
	// EventRefreshTokenExpiring: the refresh token itself dies within
	// RefreshTokenWarning (where its lifetime is known). Sent once per
	// sign-in.
	EventRefreshTokenExpiring
)

var eventNames = map[EventKind]string{
	EventConnected: "connected", EventRefreshed: "refreshed", EventRefreshFailed: "refresh failed",
	EventExpiringSoon: "expiring soon", EventReconnectNeeded: "reconnect needed",
	EventRefreshTokenExpiring: "refresh token expiring",
}

func (k EventKind) String() string { return eventNames[k] }

// Event is a change of one account's state, sent by value.
type Event struct {
	Account   string
	Kind      EventKind
	Expiry    time.Time // access token (or, for EventRefreshTokenExpiring, refresh token) expiry
	NextRetry time.Time // EventRefreshFailed
	Err       error     // the failure; word it with ui/words (words.Explain), in the user's language
	At        time.Time
}

// Subscribe returns a channel of events and a function that ends the
// subscription. Events are sent without blocking the keeper: a subscriber
// that falls more than buffer events behind misses some, and should read
// the account list (Statuses) to catch up. The channel is closed by cancel
// or Close.
func (k *Keeper) Subscribe(buffer int) (<-chan Event, func()) {
	ch := make(chan Event, buffer)
	k.mu.Lock()
	if k.closed {
		close(ch)
	} else {
		k.subs[ch] = struct{}{}
	}
	k.mu.Unlock()
	return ch, func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		if _, ok := k.subs[ch]; ok {
			delete(k.subs, ch)
			close(ch)
		}
	}
}

// emit sends e to every subscriber, dropping it for one that is behind.
// "Expiring soon" is sent once until a refresh succeeds (succeeded),
// "refresh token expiring" once per sign-in (forget).
func (k *Keeper) emit(e Event) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e.Kind == EventExpiringSoon || e.Kind == EventRefreshTokenExpiring {
		if k.said[e.Account][e.Kind] {
			return
		}
		if k.said[e.Account] == nil {
			k.said[e.Account] = map[EventKind]bool{}
		}
		k.said[e.Account][e.Kind] = true
	}
	for ch := range k.subs {
		select {
		case ch <- e:
		default:
			k.cfg.Logger.Warn("an event subscriber is behind; event dropped", "account", e.Account, "event", e.Kind.String())
		}
	}
}
