package auth

import (
	"strings"
	"testing"
)

// TestClioRegions: every region has its preset, on its own host, and the
// lookups find it by preset ID and by code; nothing else is a region.
func TestClioRegions(t *testing.T) {
	rs := ClioRegions()
	if len(rs) != 4 || rs[0].Code != "us" {
		t.Fatalf("regions %v: want four, the United States first (the default)", rs)
	}
	for _, r := range rs {
		p, ok := Preset(r.PresetID())
		if !ok {
			t.Errorf("%s: no preset %q", r.Label, r.PresetID())
			continue
		}
		if p.Name != "Clio ("+r.Label+")" || !strings.HasPrefix(p.Endpoint.AuthURL, r.Host+"/") {
			t.Errorf("%s: preset %q on %s", r.Label, p.Name, p.Endpoint.AuthURL)
		}
		if got, ok := ClioRegionOf(r.PresetID()); !ok || got != r {
			t.Errorf("ClioRegionOf(%q) = %v, %v", r.PresetID(), got, ok)
		}
		if got, ok := ClioRegionByCode(r.Code); !ok || got != r {
			t.Errorf("ClioRegionByCode(%q) = %v, %v", r.Code, got, ok)
		}
	}
	for _, id := range []string{"clientcasa", "anthropic", "generic", "clio", "clio-", "clio-xx", "eu", "Europe"} {
		if r, ok := ClioRegionOf(id); ok {
			t.Errorf("ClioRegionOf(%q) = %v: not a Clio preset", id, r)
		}
	}
	if r, ok := ClioRegionByCode("xx"); ok {
		t.Errorf("ClioRegionByCode(xx) = %v", r)
	}
}
