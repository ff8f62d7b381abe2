package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// The window's recent events, kept across restarts: the last KeptEvents
// lines, each with its time, in a file of their own beside the accounts
// (events.json, 0600, replaced whole at each write). They are the words
// the window showed, never a token or a secret.

// Event is one line of the recent events.
type Event struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// KeptEvents is how many events are kept, the newest.
const KeptEvents = 50

// eventsFile is the events' file in the configuration directory.
const eventsFile = "events.json"

// eventsMu serialises the read-modify-write of the events' file within the
// process (only the app writes it: one instance runs).
var eventsMu sync.Mutex

func (a *App) eventsPath() string { return filepath.Join(a.ConfigDir(), eventsFile) }

// Events are the kept events, oldest first; none yet is no error. A file
// that cannot be read as events is none (the next AddEvent starts it
// anew): the recent events are a convenience, not a record.
func (a *App) Events() ([]Event, error) {
	eventsMu.Lock()
	defer eventsMu.Unlock()
	return readEvents(a.eventsPath())
}

func readEvents(path string) ([]Event, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the recent events: %w", err)
	}
	var events []Event
	if json.Unmarshal(raw, &events) != nil {
		return nil, nil
	}
	return events, nil
}

// AddEvent keeps e with the kept events, in the order of their times (the
// app may add two at once from different goroutines), and the last
// KeptEvents only.
func (a *App) AddEvent(e Event) error {
	eventsMu.Lock()
	defer eventsMu.Unlock()
	path := a.eventsPath()
	events, err := readEvents(path)
	if err != nil {
		return err
	}
	i := sort.Search(len(events), func(i int) bool { return events[i].At.After(e.At) })
	events = append(events[:i], append([]Event{e}, events[i:]...)...)
	if len(events) > KeptEvents {
		events = events[len(events)-KeptEvents:]
	}
	raw, err := json.Marshal(events)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, raw); err != nil {
		return fmt.Errorf("keep the recent events: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to path, readable by the user only: a
// temporary file in the same directory, synced, then renamed over path, so
// that a crash leaves the old file or the new one, never half of one.
func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
