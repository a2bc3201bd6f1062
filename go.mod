module github.com/vtsync/vtsync

go 1.26.0

tool github.com/hooklift/gowsdl/cmd/gowsdl

require (
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/hooklift/gowsdl v0.5.0
	github.com/stretchr/testify v1.12.1
	go.etcd.io/bbolt v1.5.0
	golang.org/x/time v0.16.0
)

require (
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.45.0 // indirect
)
