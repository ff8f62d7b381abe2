//go:build !windows

package keeper

import (
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/tokentray/tokentray/auth/authtest"
)

// BenchmarkKeeperScale: 1,000 accounts with 60 s tokens against the local
// server, over a simulated 10-minute window stepped one second at a time
// (the keeper's clock moves; the scheduler's pass runs at every step, and
// 20 random accounts ask for a token at every step). Reports refreshes per
// account per token lifetime (target ≤ 1), tokens served expired (target
// 0), and CPU time and allocations per refresh. Run with -benchtime=1x.
func BenchmarkKeeperScale(b *testing.B) {
	const (
		accounts = 1000
		lifetime = 60 * time.Second
		window   = 10 * time.Minute
		step     = time.Second
		asks     = 20
	)
	for range b.N {
		b.StopTimer()
		f := newFixture(b, authtest.Config{AccessTokenLifespan: lifetime})
		f.freeze() // simulated time moves only by steps
		ids := make([]string, accounts)
		for i := range ids {
			ids[i] = "acct-" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
			// Stagger the expiries over one lifetime, as connections made
			// at different times would be.
			f.seed(ids[i], f.now().Add(time.Duration(i)*lifetime/accounts))
		}
		k := f.keeper(nil)
		before := f.srv.GrantCount("refresh_token")
		var ms0, ms1 runtime.MemStats
		var ru0, ru1 syscall.Rusage
		runtime.ReadMemStats(&ms0)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		b.StartTimer()

		expired := 0
		for t := time.Duration(0); t < window; t += step {
			f.offset.Add(int64(step))
			k.tick()
			for range asks {
				id := ids[rand.IntN(accounts)]
				tok, err := k.EnsureFresh(f.ctx, id, 0)
				if err != nil {
					b.Fatal(err)
				}
				if !tok.Expiry.After(f.now()) {
					expired++
				}
			}
		}

		b.StopTimer()
		runtime.ReadMemStats(&ms1)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		refreshes := f.srv.GrantCount("refresh_token") - before
		cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
		b.ReportMetric(float64(refreshes)/float64(accounts)/(float64(window)/float64(lifetime)), "refreshes/account/lifetime")
		b.ReportMetric(float64(expired), "served-expired")
		b.ReportMetric(float64(cpu.Microseconds())/float64(refreshes), "cpu-µs/refresh")
		b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(refreshes), "allocs/refresh")
		k.Close()
		b.StartTimer()
	}
}
