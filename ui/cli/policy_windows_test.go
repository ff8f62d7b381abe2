package cli_test

import (
	"crypto/rand"
	"fmt"
	"testing"

	"golang.org/x/sys/windows/registry"

	"github.com/tokentray/tokentray/ui/policy"
)

// setPolicy makes values the managed settings the command line reads, as
// IT would: here values under HKLM (mandatory), in a key of the test's own
// (TOKENTRAY_POLICY_KEY) so that tests running side by side never see each
// other's; strings as REG_SZ, whole numbers and booleans as REG_DWORD, as
// Group Policy writes them. It returns the environment that points there.
func setPolicy(t *testing.T, values map[string]any) []string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	path := fmt.Sprintf(`SOFTWARE\Policies\Tokentray-test-%x`, b)
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, path, registry.ALL_ACCESS)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	t.Cleanup(func() { registry.DeleteKey(registry.LOCAL_MACHINE, path) })
	for name, v := range values {
		switch v := v.(type) {
		case string:
			err = k.SetStringValue(name, v)
		case int:
			err = k.SetDWordValue(name, uint32(v))
		case bool:
			n := uint32(0)
			if v {
				n = 1
			}
			err = k.SetDWordValue(name, n)
		default:
			t.Fatalf("setPolicy: %s has a type Group Policy does not write: %T", name, v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return []string{policy.KeyEnv + "=" + path}
}
