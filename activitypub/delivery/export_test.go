package delivery

// Held reports how many claimed jobs this Delivery has not yet finished
// with, including the bookkeeping after a job's lease ended (breaker,
// counts, OnGone). Tests use it to know the workers are quiet.
func (d *Delivery) Held() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.held
}
