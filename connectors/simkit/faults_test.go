package simkit

import (
	"testing"
	"time"
)

// A rule with Every hits one matching request in Every; the others reach the
// next rule, so shares of faults of several kinds can be mixed.
func TestEveryHitsAShareAndPassesTheRestOn(t *testing.T) {
	var f Faults
	f.Add(Rule{Op: "createOrder", Kind: FaultStatus, Status: 503, Every: 5})
	f.Add(Rule{Op: "createOrder", Kind: FaultDropAfterCommit, Every: 4})
	counts := map[FaultKind]int{}
	for i := 0; i < 100; i++ {
		if r := f.take("createOrder"); r != nil {
			counts[r.Kind]++
		}
		if r := f.take("findOrder"); r != nil {
			t.Fatalf("a rule for another op hit findOrder: %+v", r)
		}
	}
	if counts[FaultStatus] != 20 {
		t.Errorf("503s: %d of 100, want 20", counts[FaultStatus])
	}
	if counts[FaultDropAfterCommit] != 20 {
		t.Errorf("drops: %d of the 80 the first rule let through, want 20", counts[FaultDropAfterCommit])
	}
}

// A rule with Until stops at that time, however few requests came.
func TestUntilEndsABurst(t *testing.T) {
	var f Faults
	f.Add(Rule{Kind: FaultRateLimit, Until: time.Now().Add(50 * time.Millisecond)})
	if r := f.take("GET /orders"); r == nil || r.Kind != FaultRateLimit {
		t.Fatalf("during the burst: %+v", r)
	}
	time.Sleep(60 * time.Millisecond)
	if r := f.take("GET /orders"); r != nil {
		t.Fatalf("after the burst: %+v", r)
	}
}
