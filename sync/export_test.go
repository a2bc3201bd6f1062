package sync

// The prefetch's record, for the external tests that turn prefetching off
// (by deleting it) or shape what is prefetched (by writing it).
const (
	BucketLMSRead = bucketLMSRead
	LMSReadKey    = lmsReadKey
)
