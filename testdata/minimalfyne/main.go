// Command minimalfyne is the baseline for the idle-cost benchmark: a Fyne
// app with one window and one label, nothing else.
//
//	minimalfyne [-button] [-size 560x440]
//
// -button adds one button (Fyne draws button text in its bold face, a
// second font it parses), and -size sizes the window: together they make
// the reference that shows what the toolkit itself costs for a window like
// Tokentray's, beside the plain baseline.
package main

import (
	"flag"
	"fmt"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	button := flag.Bool("button", false, "add a button")
	size := flag.String("size", "", "window size, WIDTHxHEIGHT")
	flag.Parse()
	a := app.NewWithID("io.github.tokentray.minimal")
	w := a.NewWindow("Minimal")
	content := container.NewVBox(widget.NewLabel("Minimal Fyne app"))
	if *button {
		content.Add(widget.NewButton("A button", func() {}))
	}
	w.SetContent(content)
	if *size != "" {
		var wd, ht float32
		if _, err := fmt.Sscanf(*size, "%fx%f", &wd, &ht); err != nil {
			log.Fatalf("-size %q: want WIDTHxHEIGHT", *size)
		}
		w.Resize(fyne.NewSize(wd, ht))
	}
	w.ShowAndRun()
}
