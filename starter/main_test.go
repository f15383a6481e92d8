package main

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlagsMayFollowTheScheduleID(t *testing.T) {
	tests := []struct {
		args     []string
		ids      []string
		wantNote string
	}{
		{[]string{"demo-shop-orders", "--note", "maintenance"}, []string{"demo-shop-orders"}, "maintenance"},
		{[]string{"--note", "x", "demo-shop-orders"}, []string{"demo-shop-orders"}, "x"},
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
		{nil, nil, ""},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		note := fs.String("note", "", "")
		ids, err := parseInterspersed(fs, tt.args)
		require.NoError(t, err)
		assert.Equal(t, tt.ids, ids)
		assert.Equal(t, tt.wantNote, *note)
	}
}
