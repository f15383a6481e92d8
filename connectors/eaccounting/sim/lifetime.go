package sim

import "time"

// SetAccessTokenLifetime changes expires_in of the access tokens issued from
// now on (a test that lets tokens expire during a run); d ≤ 0 is an hour.
func (s *Sim) SetAccessTokenLifetime(d time.Duration) {
	if d <= 0 {
		d = time.Hour
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.o.AccessTokenLifetime = d
}
