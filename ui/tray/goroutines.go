package tray

import "fyne.io/fyne/v2"

// Where the UI's code runs: on Fyne's goroutine (do), or in goroutines the
// UI owns and stops on Close (goOwned).

// do runs f on Fyne's goroutine, serialised with the UI's other updates.
func (u *UI) do(f func()) {
	fyne.Do(func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		f()
		if u.applied != nil {
			u.applied()
		}
	})
}

// doAndWait is do, returning when f has run.
func (u *UI) doAndWait(f func()) {
	fyne.DoAndWait(func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		f()
	})
}

// goOwned runs f in a goroutine the UI owns.
func (u *UI) goOwned(f func()) {
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		f()
	}()
}
