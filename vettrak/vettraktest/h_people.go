package vettraktest

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vtsync/vtsync/vettrak"
)

// Clients (learners and staff, who are clients too) and the staff links
// between them.

func getClientDetails(c *call, cl *client) result {
	return c.ok(func(w *xw) {
		w.open("ClieDetail")
		w.record("TClieDetail", rec{"Clie_Surname": cl.Surname, "Clie_Given": cl.GivenName, "Clie_Code": cl.Code,
			"Clie_Other": cl.OtherName, "Clie_Username": cl.Username, "Clie_DOB": cl.DOB, "Clie_Address_Type": 0,
			"Clie_Email": cl.Email, "Clie_MobilePhone": cl.Mobile, "Gender": cl.Gender, "USI": cl.USI, "USIExempt": false})
		w.close("ClieDetail")
	})
}

func getAccessibleClients(c *call) result {
	d := c.d
	staff := c.r.str("clientCode")
	since, hasSince := c.r.optTime("sinceDate")
	visible := func(code string) bool { return true }
	if staff != "" && staff != c.user.Identifier {
		seen := map[string]bool{}
		for _, id := range d.occOrder {
			o := d.occurrences[id]
			if !slices.ContainsFunc(o.staff, func(l vettrak.StaffLink) bool { return l.StaffCode == staff }) {
				continue
			}
			for _, eid := range o.enrolments {
				seen[d.enrolments[eid].ClientCode] = true
			}
		}
		visible = func(code string) bool { return seen[code] }
	}
	var list []*client
	for _, code := range d.clientOrder {
		cl := d.clients[code]
		if cl == nil || !visible(code) || (hasSince && cl.modified.Before(since)) {
			continue
		}
		list = append(list, cl)
	}
	return listOf(c, "ClieList", "TClie", list, func(w *xw, cl *client) { writeClieFields(w, cl, cl.Code) })
}

type staffFilter struct {
	staffType   string
	statusTypes []int
	start, end  time.Time
}

func newStaffFilter(r *request) staffFilter {
	f := staffFilter{staffType: r.str("staffType"), start: r.time("startDate"), end: r.time("endDate")}
	for _, it := range r.list("statusTypes") {
		n, err := strconv.Atoi(strings.TrimSpace(it))
		if err != nil {
			r.fail("statusTypes", err)
			continue
		}
		f.statusTypes = append(f.statusTypes, n)
	}
	return f
}

func (f staffFilter) match(l vettrak.StaffLink, o *occurrence, e *enrolment) bool {
	if f.staffType != "" && !strings.EqualFold(f.staffType, l.StaffType) {
		return false
	}
	if len(f.statusTypes) > 0 && !slices.Contains(f.statusTypes, e.StatusType) {
		return false
	}
	if !f.start.IsZero() && o.EndDate.Before(f.start) || !f.end.IsZero() && o.StartDate.After(f.end) {
		return false
	}
	return true
}

// staffGroup is one person's links: a TClieStaffLinks.
type staffGroup struct {
	who   string
	links []vettrak.StaffLink
}

// groupLinks groups items' links by the person who names, in first-seen
// order.
func groupLinks[T any](items []T, who func(T) string, link func(T) vettrak.StaffLink) []*staffGroup {
	var groups []*staffGroup
	idx := map[string]*staffGroup{}
	for _, it := range items {
		k := who(it)
		g := idx[k]
		if g == nil {
			g = &staffGroup{who: k}
			idx[k] = g
			groups = append(groups, g)
		}
		g.links = append(g.links, link(it))
	}
	return groups
}

// byStaffMember groups links per staff member.
func byStaffMember(links []vettrak.StaffLink) []*staffGroup {
	return groupLinks(links, func(l vettrak.StaffLink) string { return l.StaffCode }, func(l vettrak.StaffLink) vettrak.StaffLink { return l })
}

// linksOf calls yield with each link that ties enrolment e to staff: the
// links of its occurrence o (LinkType 0) and, with withEnrolments, those
// of the enrolment itself (LinkType 2), that f matches.
func linksOf(o *occurrence, e *enrolment, f staffFilter, withEnrolments bool, yield func(vettrak.StaffLink)) {
	lists := [][]vettrak.StaffLink{o.staff}
	if withEnrolments {
		lists = append(lists, e.staff)
	}
	for _, list := range lists {
		for _, l := range list {
			if f.match(l, o, e) {
				yield(l)
			}
		}
	}
}

// getStaffForClient lists, per staff member, the links that tie them to
// the learner: the links of the occurrences the learner is enrolled in
// (LinkType 0) and, with includeEnrolments, the links to the learner's
// enrolments (LinkType 2). Classes, contracts and events are not
// modelled. How VETtrak combines the include flags is UNCONFIRMED.
func getStaffForClient(c *call) result {
	d := c.d
	learner, f := c.r.str("clientCode"), newStaffFilter(c.r)
	withEnrolments := c.r.bool("includeEnrolments")
	var links []vettrak.StaffLink
	if cl := d.clients[learner]; cl != nil {
		for _, eid := range cl.enrolments {
			e := d.enrolments[eid]
			linksOf(d.occurrences[e.OccurrenceID], e, f, withEnrolments, func(l vettrak.StaffLink) { links = append(links, l) })
		}
	}
	return writeStaffLinksList(c, byStaffMember(links))
}

// getClientsForStaff lists, per learner, the links that tie the staff
// member to them (as getStaffForClient, from the staff member's side).
func getClientsForStaff(c *call) result {
	d := c.d
	staff, f := c.r.str("staffClientCode"), newStaffFilter(c.r)
	withEnrolments := c.r.bool("includeEnrolments")
	type link struct {
		learner string
		l       vettrak.StaffLink
	}
	var found []link
	for _, id := range d.occOrder {
		o := d.occurrences[id]
		for _, eid := range o.enrolments {
			e := d.enrolments[eid]
			linksOf(o, e, f, withEnrolments, func(l vettrak.StaffLink) {
				if l.StaffCode == staff {
					found = append(found, link{e.ClientCode, l})
				}
			})
		}
	}
	groups := groupLinks(found, func(x link) string { return x.learner }, func(x link) vettrak.StaffLink { return x.l })
	return writeStaffLinksList(c, groups)
}

func writeStaffLinksList(c *call, groups []*staffGroup) result {
	return c.list(len(groups), func(w *xw) {
		w.open("ClieStaffLinksList")
		c.d.writeStaffGroups(w, groups)
		w.close("ClieStaffLinksList")
	})
}

// writeStaffGroups writes one TClieStaffLinks per group: the person (a
// TClie) and their TStaffLinks.
func (d *Dataset) writeStaffGroups(w *xw, groups []*staffGroup) {
	for _, g := range groups {
		w.open("TClieStaffLinks")
		w.record("TClieStaffLinks", rec{
			"Clie": func(w *xw) { writeClieFields(w, d.clients[g.who], g.who) },
			"StaffLinks": func(w *xw) {
				for _, l := range g.links {
					writeStaffLink(w, l)
				}
			},
		})
		w.close("TClieStaffLinks")
	}
}
