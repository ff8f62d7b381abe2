// Command authserver runs the test authorization server (auth/authtest, a
// real OAuth 2.0 server built on fosite) on 127.0.0.1 as a program of its
// own, for end-to-end tests of a Tokentray that runs in another process
// (the Windows exe under Wine).
//
//	authserver [-lifetime 1h] [-signal]
//
// prints the server's URL on its first line and serves until its standard
// input closes, or with -signal until it is sent SIGTERM or SIGINT (its
// standard input then plays no part: programs it shares it with cannot
// keep it alive).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
)

// program is the authtest.TB of a program: a failure ends it.
type program struct{ cleanups []func() }

func (*program) Helper()                           {}
func (*program) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (p *program) Cleanup(f func())                { p.cleanups = append(p.cleanups, f) }

func main() {
	lifetime := flag.Duration("lifetime", time.Hour, "access token lifetime")
	bySignal := flag.Bool("signal", false, "serve until SIGTERM or SIGINT instead of until stdin closes")
	flag.Parse()
	p := &program{}
	srv := authtest.NewServer(p, authtest.Config{UserName: "Windows User", AccessTokenLifespan: *lifetime})
	fmt.Println(srv.URL)
	if *bySignal {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		<-ctx.Done()
		stop()
	} else {
		io.Copy(io.Discard, os.Stdin) //nolint:errcheck // serve until stdin closes
	}
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
}
