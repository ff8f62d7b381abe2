package accounts

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tokentray/tokentray/store/storetest"
)

// TestEventsKept: the recent events are kept in a file of their own, the
// user's alone, in the order of their times whatever the order they came
// in, the last KeptEvents only; a new App on the same directory (the next
// start) reads them back; a file that is not events is none.
func TestEventsKept(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(Options{Dir: dir, Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got, err := a.Events(); err != nil || len(got) != 0 {
		t.Fatalf("no events yet: %v, %v", got, err)
	}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range KeptEvents + 5 {
		if err := a.AddEvent(Event{At: start.Add(time.Duration(i) * time.Minute), Text: fmt.Sprintf("event %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// One that came late: in its place by its time.
	if err := a.AddEvent(Event{At: start.Add(30*time.Minute + 30*time.Second), Text: "late"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(a.ConfigDir(), eventsFile)
	if fi, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the events' file is %v, want -rw-------", fi.Mode().Perm())
	}
	a.Close()

	b, err := Open(Options{Dir: dir, Service: storetest.Service(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := b.Events()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != KeptEvents {
		t.Fatalf("%d events kept, want %d", len(got), KeptEvents)
	}
	if got[0].Text != "event 6" || got[len(got)-1].Text != fmt.Sprintf("event %d", KeptEvents+4) {
		t.Errorf("kept from %q to %q, want the newest", got[0].Text, got[len(got)-1].Text)
	}
	for i := 1; i < len(got); i++ {
		if got[i].At.Before(got[i-1].At) {
			t.Errorf("out of order: %q before %q", got[i-1].Text, got[i].Text)
		}
		if got[i].Text == "late" && got[i-1].Text != "event 30" {
			t.Errorf("the late event follows %q, want event 30", got[i-1].Text)
		}
	}
	if !got[0].At.Equal(start.Add(6 * time.Minute)) {
		t.Errorf("the first event's time is %v", got[0].At)
	}
	entries, _ := os.ReadDir(a.ConfigDir())
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".tmp" {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}

	if err := os.WriteFile(path, []byte("not events"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Events(); err != nil || len(got) != 0 {
		t.Errorf("a broken file: %v, %v; want none", got, err)
	}
	if err := b.AddEvent(Event{At: start, Text: "anew"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Events(); len(got) != 1 || got[0].Text != "anew" {
		t.Errorf("after a broken file: %v", got)
	}
}
