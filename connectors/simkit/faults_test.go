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

// A rule with Share hits about that part of the matching requests, at
// random: a lone caller retrying is not hit on every attempt, as a fixed
// rhythm (Every) can do when its retries fall in step with it.
func TestShareHitsARandomPart(t *testing.T) {
	var f Faults
	f.Seed(7)
	f.Add(Rule{Kind: FaultStatus, Status: 503, Share: 0.2})
	hits, streak, longest := 0, 0, 0
	for i := 0; i < 10000; i++ {
		if f.take("findRelation") != nil {
			hits++
			streak++
			longest = max(longest, streak)
		} else {
			streak = 0
		}
	}
	if hits < 1800 || hits > 2200 {
		t.Errorf("503s: %d of 10,000, want about 2,000", hits)
	}
	if longest > 8 {
		t.Errorf("%d hits in a row: not a random fifth", longest)
	}
	var other Faults
	other.Seed(7)
	other.Add(Rule{Kind: FaultStatus, Status: 503, Share: 0.2})
	f.Seed(7)
	for i := 0; i < 100; i++ {
		if (f.take("x") == nil) != (other.take("x") == nil) {
			t.Fatal("one seed, one sequence of faults")
		}
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
