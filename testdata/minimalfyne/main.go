// Command minimalfyne is the baseline for the idle-cost benchmark: a Fyne
// app with one window and one label, nothing else.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.tokentray.minimal")
	w := a.NewWindow("Minimal")
	w.SetContent(widget.NewLabel("Minimal Fyne app"))
	w.ShowAndRun()
}
