// Package vettraktest is an in-process fake of VETtrak's VT_API SOAP
// service, for tests, examples and benchmarks of code built on package
// vettrak. It is an oracle of the real service, not a mirror of the SDK:
// each behaviour follows a cited source (the reference pages DOC221,
// DOC241 and DOC2510, the live ASMX help pages, public client code, or
// standard ASP.NET ASMX behaviour, as collected in the project's
// reference/vettrak_api.md), named in the comment of the code that
// implements it.
//
// # Main types
//
//   - Server is a running fake. NewTestServer(t) starts one on a loopback
//     port and closes it when the test ends; NewServer starts one you
//     Close; Handler returns one to mount on your own listener. URL is the
//     endpoint and Credentials the login to give vettrak.New.
//   - Option configures a Server: WithDataset (default SeedWalkthrough),
//     WithClock, WithTimeZone, WithTokenTTL, WithLatency, WithUnlicensed,
//     WithEmptyListsOK, WithLenient, WithTokenPrefix and WithWSDLVariant.
//   - Dataset is the in-memory VETtrak database the server answers from:
//     programmes, units, occurrences, clients (VETtrak's word for a person,
//     learner or staff: the SDK's vettrak.Person), enrolments with enrolled
//     units and results, result types, API users and deletion tombstones.
//     Build it with NewDataset and the Add… methods, or take SeedWalkthrough
//     (the documented LMS walkthrough) or Generate (a deterministic
//     synthetic provider of any size); change it with its mutators while
//     the server runs (Withdraw, RenameClient, SetResult, DeleteEnrolment,
//     …) and read it back (Occurrence, Enrolment, Results, ResultHistory)
//     to assert what a sync wrote.
//   - Fault and InjectFault make calls fail (HTTP 500/503/429, SOAP
//     faults, dropped connections, malformed envelopes, expired tokens,
//     latency); Calls, CallCount and LastExchange show what the client
//     sent.
//
// # Use in a test
//
//	fake := vettraktest.NewTestServer(t, vettraktest.WithClock(clock.Now))
//	client, err := vettrak.New(fake.URL(), fake.Credentials())
//	// ... run the code under test with client ...
//	results := fake.Data().Results(enrolmentID)
//
// # What the fake reproduces
//
// SOAP 1.1 envelopes; every response in the element order and with the
// nulls the WSDL's schema declares (xsi:nil for a null nullable value, an
// omitted null string), checked against that schema with xmllint by the
// tests; in-band status codes (1 success, -1 failure with the documented
// messages, -2 expired token, -4 no records, -5 unlicensed operation);
// tokens of 20 printable characters that always contain & < > ' and ", with
// a 60-minute sliding expiry on an injectable clock; the LMS flags of
// GetLMSNew… and UpdateLMS…Status; result history when UpdateResult
// replaces a result.
//
// By default the fake is strict: a request with an element the operation
// does not declare, without a required one, or with elements out of order
// gets a SOAP fault naming the element, so a wrong parameter name fails a
// test instead of passing silently. WithLenient reproduces what the real
// ASMX does instead (unknown elements ignored, a missing value-type
// parameter defaulted). WithWSDLVariant serves a contract that differs
// from the SDK's, for the contract check.
//
// # UNCONFIRMED
//
// Where VETtrak's behaviour is not documented the fake follows the WSDL's
// guesses, recorded in the WSDL's documentation elements: the list
// containers EnunList/TEnun and ResultTypeList, the fields of TEnun,
// TResultType, TUnit and TClieStaffLinks, the inner types of
// TOccuExtended.Staff and .Units, three of the four TStaffLink member
// names, how GetStaffForClient combines its include flags, and what an
// empty list answers (Status -4 by default; WithEmptyListsOK answers
// Status 1 instead, so test both). The strict parameter check is the
// fake's own; the real ASMX does none of it.
package vettraktest
