package redact

// Error wraps err so that its message is masked by s, while errors.Is and
// errors.As still see the chain. A nil err stays nil.
func (s *Secrets) Error(err error) error {
	if err == nil {
		return nil
	}
	return &maskedError{err: err, s: s}
}

type maskedError struct {
	err error
	s   *Secrets
}

func (e *maskedError) Error() string { return e.s.String(e.err.Error()) }
func (e *maskedError) Unwrap() error { return e.err }
