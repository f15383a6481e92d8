package connectors

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOnlyAFirstWriteAttemptRulesOutALostWrite(t *testing.T) {
	assert.True(t, MayFollowLostWrite(context.Background()), "an unmarked context is treated with care")
	assert.False(t, MayFollowLostWrite(WithWriteAttempt(context.Background(), 1)))
	assert.True(t, MayFollowLostWrite(WithWriteAttempt(context.Background(), 2)))
}
