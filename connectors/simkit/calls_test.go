package simkit

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCallCounter(t *testing.T) {
	var c CallCounter
	assert.Equal(t, 0, c.Count("createOrder"), "the zero value is ready")
	assert.Equal(t, map[string]int{}, c.Snapshot())

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				c.Add("createOrder")
				c.Add("GET /orders")
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 800, c.Count("createOrder"))

	snap := c.Snapshot()
	assert.Equal(t, map[string]int{"createOrder": 800, "GET /orders": 800}, snap)
	snap["createOrder"] = 0
	assert.Equal(t, 800, c.Count("createOrder"), "a snapshot is a copy")
}
