// Package vettrak is a typed, context-first client for the VETtrak VT_API
// SOAP web service.
package vettrak
