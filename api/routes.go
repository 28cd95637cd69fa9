package api

import (
	"net/http"
	"strings"
)

// Route is one method and path pattern the API answers, in net/http
// ServeMux syntax (e.g. "/api/v1/threads/{id}").
type Route struct {
	Method  string // GET, POST, PUT, PATCH or DELETE
	Pattern string // the full path, wildcards in braces
}

// route is an entry of the route table: how the operation is served and
// what the OpenAPI document says about it. The document is generated from
// these entries and the Go types they name (see openapi.go).
type route struct {
	method  string
	pattern string
	public  bool   // served without a signed-in viewer
	id      string // operationId
	tag     string
	summary string
	about   string     // a longer description, when the summary is not enough
	status  int        // the status of success
	answer  any        // the body of success (a value of its type); nil for none
	also    []answerAt // other successes, when there are more than one
	// errs are the error statuses the operation answers beyond those every
	// operation may answer (see commonErrors).
	errs []int
	ep   endpoint
}

// answerAt is a success status and its body (a value of its type; nil
// for none).
type answerAt struct {
	status int
	answer any
}

// commonErrors are the statuses every operation may answer: a query string
// that is not valid UTF-8 text (400), a bad token or none where one is
// needed (401), a declared body length over the limit (413). Operations
// whose path has a wildcard also answer 404.
var commonErrors = []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge}

// statuses lists every status rt answers, success first, errors in order.
func (rt route) statuses() []int {
	out := []int{rt.status}
	errs := append(append([]int{}, commonErrors...), rt.errs...)
	if strings.Contains(rt.pattern, "{") {
		errs = append(errs, http.StatusNotFound)
	}
	seen := map[int]bool{}
	for _, code := range []int{400, 401, 403, 404, 409, 413, 422, 429} {
		for _, e := range errs {
			if e == code && !seen[code] {
				seen[code] = true
				out = append(out, code)
			}
		}
	}
	return out
}

// endpoint is a handler with the types of what it reads: its path and
// query parameters (a struct bound by bindParams) and its JSON body
// (decoded strictly by decode). Built by plain, withParams, withBody and
// withBoth, so that what is documented is what is read.
type endpoint struct {
	params any // a value of the parameters' struct type, or nil
	body   any // a value of the body's type, or nil
	handle func(w http.ResponseWriter, r *http.Request) error
}

// plain is a handler that reads neither parameters nor a body.
func plain(fn func(w http.ResponseWriter, r *http.Request) error) endpoint {
	return endpoint{handle: fn}
}

// withParams is a handler that reads path or query parameters P.
func withParams[P any](fn func(w http.ResponseWriter, r *http.Request, p P) error) endpoint {
	var zero P
	return endpoint{params: zero, handle: func(w http.ResponseWriter, r *http.Request) error {
		var p P
		if err := bindParams(r, &p); err != nil {
			return err
		}
		return fn(w, r, p)
	}}
}

// withBody is a handler that reads a JSON body B.
func withBody[B any](fn func(w http.ResponseWriter, r *http.Request, b B) error) endpoint {
	var zero B
	return endpoint{body: zero, handle: func(w http.ResponseWriter, r *http.Request) error {
		var b B
		if err := decode(r, &b); err != nil {
			return err
		}
		return fn(w, r, b)
	}}
}

// withBoth is a handler that reads parameters P and a JSON body B. The
// parameters are read first: a path naming nothing is not found whatever
// the body.
func withBoth[P, B any](fn func(w http.ResponseWriter, r *http.Request, p P, b B) error) endpoint {
	var zp P
	var zb B
	return endpoint{params: zp, body: zb, handle: func(w http.ResponseWriter, r *http.Request) error {
		var p P
		if err := bindParams(r, &p); err != nil {
			return err
		}
		var b B
		if err := decode(r, &b); err != nil {
			return err
		}
		return fn(w, r, p, b)
	}}
}

// Statuses beyond the common ones, by name, for the table below.
const (
	s403 = http.StatusForbidden
	s409 = http.StatusConflict
	s422 = http.StatusUnprocessableEntity
	s429 = http.StatusTooManyRequests
)

// What the limits on writing say in the document.
const (
	postLimitAbout = "A member may write only so many posts (new threads and replies together) in a period " +
		"(30 per 10 minutes unless configured): past that, 429 rate_limited with Retry-After, and nothing is written."
	invitationLimitAbout = "A member may make or renew only so many invitations in a period (100 a day unless " +
		"configured): past that, 429 rate_limited with Retry-After, and nothing is sent."
)

// routeTable is the one list of the API's routes. It registers the
// handlers and generates the OpenAPI document.
func (h *Handler) routeTable() []route {
	const p = Prefix
	return []route{
		{method: "GET", pattern: p + "/health", public: true, id: "getHealth", tag: "meta",
			summary: "Health check (as /healthz)", status: 200, answer: healthJSON{}, ep: plain(h.getHealth)},
		{method: "GET", pattern: p + "/openapi.json", public: true, id: "getOpenAPI", tag: "meta",
			summary: "This document", status: 200, answer: documentJSON{}, ep: plain(h.getOpenAPI)},

		{method: "GET", pattern: p + "/setup", public: true, id: "getSetup", tag: "network",
			summary: "Whether the network still needs setting up", status: 200, answer: setupStatusJSON{},
			ep: plain(h.getSetup)},
		{method: "POST", pattern: p + "/setup", public: true, id: "postSetup", tag: "network",
			summary: "Set up the network and its first admin",
			about: "Works only while the network is not set up (409 afterwards). The code is the one printed in " +
				"Sharefair's log (401 when wrong). The answer carries a personal access token for the new admin.",
			status: 201, answer: newMemberJSON{}, errs: []int{s409, s422}, ep: withBody(h.postSetup)},
		{method: "GET", pattern: p + "/network", id: "getNetwork", tag: "network",
			summary: "The network", status: 200, answer: networkJSON{}, ep: plain(h.getNetwork)},
		{method: "PATCH", pattern: p + "/network", id: "patchNetwork", tag: "network",
			summary: "Change the network's name, description or time zone (network admins)", status: 200, answer: networkJSON{},
			errs: []int{s403, s422}, ep: withBody(h.patchNetwork)},

		{method: "GET", pattern: p + "/network/checklist", id: "getChecklist", tag: "network",
			summary: "The setup checklist (network admins)",
			about: "What is left to do after setup, computed from the data on each read: an item undone again " +
				"(a new hub without a coordinator) shows as not done again.",
			status: 200, answer: checklistJSON{}, errs: []int{s403}, ep: plain(h.getChecklist)},

		{method: "POST", pattern: p + "/tokens/password", public: true, id: "postPasswordToken", tag: "tokens",
			summary: "Sign in with email and password for a new token",
			about:   "Rate limited per account and per client address: 429 with Retry-After.",
			status:  201, answer: createdTokenJSON{}, errs: []int{s422, s429}, ep: withBody(h.postPasswordToken)},
		{method: "GET", pattern: p + "/tokens", id: "listTokens", tag: "tokens",
			summary: "The viewer's personal access tokens", status: 200, answer: listJSON[tokenJSON]{},
			ep: withParams(h.listTokens)},
		{method: "POST", pattern: p + "/tokens", id: "postToken", tag: "tokens",
			summary: "Create a personal access token",
			about:   "A member holds at most 50 tokens: past that, 409 (revoke one first).",
			status:  201, answer: createdTokenJSON{}, errs: []int{s409, s422}, ep: withBody(h.postToken)},
		{method: "DELETE", pattern: p + "/tokens/{id}", id: "deleteToken", tag: "tokens",
			summary: "Revoke one of the viewer's tokens", status: 204, ep: withParams(h.deleteToken)},

		{method: "GET", pattern: p + "/me", id: "getMe", tag: "members",
			summary: "The viewer's own profile", status: 200, answer: meJSON{}, ep: plain(h.getMe)},
		{method: "PATCH", pattern: p + "/me", id: "patchMe", tag: "members",
			summary: "Change the viewer's profile", status: 200, answer: meJSON{},
			errs: []int{s409, s422}, ep: withBody(h.patchMe)},
		{method: "DELETE", pattern: p + "/me", id: "deleteMe", tag: "members",
			summary: "Delete the viewer's own account",
			about: "The current password is required, and checked within the sign-in limits (429 when held); posts " +
				"says whether the viewer's posts stay, shown as \"Former member\", or are all withdrawn. Afterwards " +
				"the member's name, handle, organisation and email appear nowhere: their profile answers 404, they are " +
				"in no directory, their @mentions in others' posts read \"(former member)\", and their handle can be " +
				"taken by nobody. Sessions, access tokens, hub memberships and pending invitations they sent end. The " +
				"audit log keeps their member number alone. The network's last admin is refused (409): make another " +
				"member an admin first.",
			status: 204, errs: []int{s409, s422, s429}, ep: withBody(h.deleteMe)},
		{method: "POST", pattern: p + "/me/password", id: "postPassword", tag: "members",
			summary: "Change the viewer's password",
			about: "The current password is required, and checked within the sign-in limits (429 when held). Every " +
				"browser session ends but the one the request came with, if any; access tokens stay.",
			status: 204, errs: []int{s422, s429}, ep: withBody(h.postPassword)},
		{method: "GET", pattern: p + "/me/export", id: "getExport", tag: "members",
			summary: "Everything Sharefair holds about the viewer, as a JSON file",
			about: "The viewer's own data only (there is no way to ask for another member's, network admins' " +
				"included): profile, hubs and roles, waiting join requests, sessions and access tokens (never their " +
				"secrets), the invitations they sent (never their links), and every post they wrote, anonymous and " +
				"Chatham House ones included and marked, with its thread's title and audience while they may read " +
				"it (otherwise its id alone). Sent as an attachment named sharefair-<handle>-<date>.json, and " +
				"streamed: a long history is never held whole.",
			status: 200, answer: exportJSON{}, ep: plain(h.getExport)},
		{method: "GET", pattern: p + "/me/sessions", id: "listSessions", tag: "members",
			summary: "The browsers the viewer is signed in on, newest first", status: 200,
			answer: listJSON[sessionJSON]{}, ep: withParams(h.listSessions)},
		{method: "DELETE", pattern: p + "/me/sessions/{ref}", id: "deleteSession", tag: "members",
			summary: "End one of the viewer's sessions", status: 204, ep: withParams(h.deleteSession)},
		{method: "GET", pattern: p + "/me/suggested-hubs", id: "getSuggestedHubs", tag: "members",
			summary: "Hubs suggested to the viewer, best first",
			about: "Hubs the viewer is not in and may join or ask to join (PUT /hubs/{slug}/membership): those in " +
				"the viewer's city first, then the hub of the invitation that brought them in, then the largest, " +
				"open hubs before those taking requests. At most 5.",
			status: 200, answer: suggestedHubsJSON{}, ep: plain(h.getSuggestedHubs)},
		{method: "GET", pattern: p + "/members", id: "listMembers", tag: "members",
			summary: "The member directory",
			about:   "A filter value no member could have (control characters, invalid text, over 200 characters) is refused with 422 naming it.",
			status:  200, answer: listJSON[memberJSON]{}, errs: []int{s422}, ep: withParams(h.listMembers)},
		{method: "GET", pattern: p + "/members/{handle}", id: "getMember", tag: "members",
			summary: "A member's profile", status: 200, answer: profileJSON{}, ep: withParams(h.getMember)},
		{method: "GET", pattern: p + "/directory/facets", id: "getFacets", tag: "members",
			summary: "Values the directory can be filtered by", status: 200, answer: facetsJSON{},
			ep: plain(h.getFacets)},

		{method: "GET", pattern: p + "/hubs", id: "listHubs", tag: "hubs",
			summary: "Every hub, by name", status: 200, answer: listJSON[hubJSON]{}, ep: withParams(h.listHubs)},
		{method: "POST", pattern: p + "/hubs", id: "postHub", tag: "hubs",
			summary: "Create a hub (network admins)", status: 201, answer: hubDetailJSON{},
			errs: []int{s403, s409, s422}, ep: withBody(h.postHub)},
		{method: "GET", pattern: p + "/hubs/{slug}", id: "getHub", tag: "hubs",
			summary: "A hub with its coordinators", status: 200, answer: hubDetailJSON{}, ep: withParams(h.getHub)},
		{method: "PATCH", pattern: p + "/hubs/{slug}", id: "patchHub", tag: "hubs",
			summary: "Change a hub (its coordinators, network admins)", status: 200, answer: hubDetailJSON{},
			errs: []int{s403, s422}, ep: withBoth(h.patchHub)},
		{method: "PUT", pattern: p + "/hubs/{slug}/membership", id: "joinHub", tag: "hubs",
			summary: "Join a hub, or ask to",
			about: "An open hub is joined at once (204). A hub that takes requests records one for its coordinators " +
				"(202, status requested). 200 with changed false when the viewer is a member already or had asked already. " +
				"A hub joined by invitation only answers 403.",
			status: 204, also: []answerAt{{http.StatusAccepted, joinOutcomeJSON{}}, {http.StatusOK, unchangedJSON{}}},
			errs: []int{s403}, ep: withParams(h.joinHub)},
		{method: "DELETE", pattern: p + "/hubs/{slug}/membership", id: "leaveHub", tag: "hubs",
			summary: "Leave a hub, or withdraw a request to join it",
			about:   "204 when the viewer left or withdrew; 200 with changed false when they were neither member nor asking.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, ep: withParams(h.leaveHub)},
		{method: "GET", pattern: p + "/hubs/{slug}/members", id: "listHubMembers", tag: "hubs",
			summary: "The hub's members (the directory filtered by hub)",
			about:   "A filter value no member could have (control characters, invalid text, over 200 characters) is refused with 422 naming it.",
			status:  200, answer: listJSON[memberJSON]{}, errs: []int{s422}, ep: withParams(h.listHubMembers)},
		{method: "GET", pattern: p + "/hubs/{slug}/threads", id: "listHubThreads", tag: "hubs",
			summary: "The hub's threads the viewer may see", status: 200, answer: listJSON[threadJSON]{},
			ep: withParams(h.listHubThreads)},
		{method: "PUT", pattern: p + "/hubs/{slug}/coordinators/{handle}", id: "putCoordinator", tag: "hubs",
			summary: "Appoint a hub coordinator (network admins)",
			about:   "204 when appointed (and added to the hub if need be); 200 with changed false when they coordinate it already.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403},
			ep: withParams(h.putCoordinator)},
		{method: "DELETE", pattern: p + "/hubs/{slug}/coordinators/{handle}", id: "deleteCoordinator", tag: "hubs",
			summary: "Stand down a hub coordinator (network admins)",
			about:   "204 when stood down (they stay a member); 200 with changed false when they did not coordinate the hub.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403},
			ep: withParams(h.deleteCoordinator)},
		{method: "GET", pattern: p + "/hubs/{slug}/requests", id: "listJoinRequests", tag: "hubs",
			summary: "Requests to join the hub, oldest first (its coordinators, network admins)", status: 200,
			answer: listJSON[joinRequestJSON]{}, errs: []int{s403}, ep: withParams(h.listJoinRequests)},
		{method: "POST", pattern: p + "/hubs/{slug}/requests/{handle}", id: "decideJoinRequest", tag: "hubs",
			summary: "Approve or decline a member's request to join (its coordinators, network admins)",
			about: "204 when decided; 200 with changed false when approving someone who is a member already " +
				"(approved before); 404 when there is no such request.",
			status: 204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withBoth(h.decideJoinRequest)},

		{method: "GET", pattern: p + "/circles", id: "listCircles", tag: "circles",
			summary: "The circles the viewer may know of, by name",
			about: "Open and closed circles, and the secret circles the viewer is in or invited to; " +
				"a secret circle is nowhere else, not even for network admins (see GET /admin/secret-circles).",
			status: 200, answer: listJSON[circleJSON]{}, ep: withParams(h.listCircles)},
		{method: "POST", pattern: p + "/circles", id: "postCircle", tag: "circles",
			summary: "Start a circle, as its first host",
			about:   "Names need not be unique: a circle is addressed by a random key, so no name conflicts with another, secret or not.",
			status:  201, answer: circleJSON{}, errs: []int{s422}, ep: withBody(h.postCircle)},
		{method: "GET", pattern: p + "/circles/{key}", id: "getCircle", tag: "circles",
			summary: "A circle with its hosts",
			about:   "A secret circle the viewer is neither in nor invited to answers 404, as a key that never existed.",
			status:  200, answer: circleJSON{}, ep: withParams(h.getCircle)},
		{method: "PATCH", pattern: p + "/circles/{key}", id: "patchCircle", tag: "circles",
			summary: "Change a circle's name or description (its hosts)",
			about:   "Fields left out stay as they are. Who may join is chosen when the circle starts and is not changed.",
			status:  200, answer: circleJSON{}, errs: []int{s403, s422}, ep: withBoth(h.patchCircle)},
		{method: "PUT", pattern: p + "/circles/{key}/membership", id: "joinCircle", tag: "circles",
			summary: "Join a circle, or ask to",
			about: "An open circle, or one the viewer is invited to, is joined at once (204). A closed circle records a " +
				"request for its hosts (202). 200 with changed false when the viewer is in already or had asked already.",
			status: 204, also: []answerAt{{http.StatusAccepted, joinOutcomeJSON{}}, {http.StatusOK, unchangedJSON{}}},
			ep: withParams(h.joinCircle)},
		{method: "DELETE", pattern: p + "/circles/{key}/membership", id: "leaveCircle", tag: "circles",
			summary: "Leave a circle, or withdraw a request to join it",
			about: "204 when the viewer left or withdrew; 200 with changed false when they were neither in nor asking; " +
				"403 for the circle's last host, who makes another member host first.",
			status: 204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403}, ep: withParams(h.leaveCircle)},
		{method: "POST", pattern: p + "/circles/{key}/invitation", id: "answerCircleInvitation", tag: "circles",
			summary: "Accept or decline the viewer's invitation to a circle",
			about:   "204 when answered; 200 with changed false when the viewer is in already; 404 when there is no invitation.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s422},
			ep: withBoth(h.answerCircleInvitation)},
		{method: "PUT", pattern: p + "/circles/{key}/invitations/{handle}", id: "putCircleInvitation", tag: "circles",
			summary: "Invite a network member to the circle (its hosts)",
			about:   "204 when invited; 200 with changed false when they are invited or in already; 422 naming handle when no member has it.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withParams(h.putCircleInvitation)},
		{method: "GET", pattern: p + "/circles/{key}/members", id: "listCircleMembers", tag: "circles",
			summary: "The circle's members, hosts first (for those who read its threads)",
			status:  200, answer: listJSON[circleMemberJSON]{}, errs: []int{s403}, ep: withParams(h.listCircleMembers)},
		{method: "DELETE", pattern: p + "/circles/{key}/members/{handle}", id: "deleteCircleMember", tag: "circles",
			summary: "Remove a member from the circle (its hosts; written to the audit log)",
			about:   "204 when removed; 200 with changed false when they were not in.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withParams(h.deleteCircleMember)},
		{method: "GET", pattern: p + "/circles/{key}/threads", id: "listCircleThreads", tag: "circles",
			summary: "The circle's threads the viewer may read", status: 200, answer: listJSON[threadJSON]{},
			ep: withParams(h.listCircleThreads)},
		{method: "GET", pattern: p + "/circles/{key}/requests", id: "listCircleRequests", tag: "circles",
			summary: "Requests to join the circle, oldest first (its hosts)", status: 200,
			answer: listJSON[joinRequestJSON]{}, errs: []int{s403}, ep: withParams(h.listCircleRequests)},
		{method: "POST", pattern: p + "/circles/{key}/requests/{handle}", id: "decideCircleRequest", tag: "circles",
			summary: "Approve or decline a request to join the circle (its hosts)",
			about:   "204 when decided; 200 with changed false when approving someone in already; 404 when there is no such request.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withBoth(h.decideCircleRequest)},
		{method: "PUT", pattern: p + "/circles/{key}/hosts/{handle}", id: "putCircleHost", tag: "circles",
			summary: "Make a member of the circle a host (its hosts)",
			about:   "204 when made host; 200 with changed false when they host it already; 422 naming handle when they are not in the circle.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withParams(h.putCircleHost)},
		{method: "DELETE", pattern: p + "/circles/{key}/hosts/{handle}", id: "deleteCircleHost", tag: "circles",
			summary: "Step down as host, or stand a host down (its hosts)",
			about:   "204 when done; 200 with changed false when they did not host it; 422 naming handle for the last host.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withParams(h.deleteCircleHost)},
		{method: "GET", pattern: p + "/admin/jobs", id: "listJobs", tag: "network",
			summary: "How the background work goes, by kind of job (network admins)",
			about:   "Counts of the jobs waiting, running, done and failed, the next due and the latest failure of each kind. Done jobs are kept a week, failed ones a month.",
			status:  200, answer: listJSON[jobCountJSON]{}, errs: []int{s403}, ep: withParams(h.listJobs)},
		{method: "GET", pattern: p + "/admin/secret-circles", id: "listSecretCircles", tag: "circles",
			summary: "That secret circles exist: name, hosts and size (network admins; every look is audited)",
			about:   "Never their content or members. Each request is written to the audit log as secret_circles.",
			status:  200, answer: listJSON[secretCircleJSON]{}, errs: []int{s403}, ep: withParams(h.listSecretCircles)},

		{method: "GET", pattern: p + "/invitations", id: "listInvitations", tag: "invitations",
			summary: "Invitations the viewer may manage, newest first", status: 200,
			answer: listJSON[invitationJSON]{}, ep: withParams(h.listInvitations)},
		{method: "POST", pattern: p + "/invitations", id: "postInvitation", tag: "invitations",
			summary: "Invite someone by email",
			about:   invitationLimitAbout,
			status:  201, answer: createdInvitationJSON{},
			errs: []int{s403, s409, s422, s429}, ep: withBody(h.postInvitation)},
		{method: "DELETE", pattern: p + "/invitations/{id}", id: "deleteInvitation", tag: "invitations",
			summary: "Withdraw a pending invitation", status: 204, errs: []int{s409},
			ep: withParams(h.deleteInvitation)},
		{method: "POST", pattern: p + "/invitations/{id}/link", id: "postInvitationLink", tag: "invitations",
			summary: "A new link for a pending invitation",
			about: "Only a hash of the token is kept, so the link cannot be shown again: this makes a new one, " +
				"and the old link stops working. The expiry stays as it was. " + invitationLimitAbout,
			status: 200, answer: createdInvitationJSON{}, errs: []int{s403, s409, s429}, ep: withParams(h.postInvitationLink)},
		{method: "POST", pattern: p + "/invitations/{id}/resend", id: "postInvitationResend", tag: "invitations",
			summary: "Re-send an invitation, pending or expired",
			about: "A new link with a new expiry; the viewer becomes the inviter. With a mail relay set, the invitee is " +
				"mailed a link of their own; the link in the answer (and in the log, for the admin) works too, to pass on. " + invitationLimitAbout,
			status: 200, answer: createdInvitationJSON{}, errs: []int{s403, s409, s429}, ep: withParams(h.postInvitationResend)},
		{method: "POST", pattern: p + "/me/email", id: "postEmailChange", tag: "members",
			summary: "Change the viewer's email address",
			about: "The current password is required. A link is mailed to the new address; the address becomes the viewer's " +
				"when it is followed (POST /email-change), within a day. 202: the link is on its way.",
			status: 202, errs: []int{s422, s429}, ep: withBody(h.postEmailChange)},
		{method: "POST", pattern: p + "/email-change", public: true, id: "postEmailChangeConfirm", tag: "members",
			summary: "Confirm a new email address with the mailed link's secret",
			about:   "Once, within a day. A secret that cannot be used, or an address another account has taken since, answers 422 on token.",
			status:  204, errs: []int{s422}, ep: withBody(h.postEmailChangeConfirm)},
		{method: "POST", pattern: p + "/password-reset/request", public: true, id: "postPasswordResetRequest", tag: "members",
			summary: "Mail a password reset link",
			about: "To the active member with the address, if there is one, at most once a quarter of an hour; the answer " +
				"is 202 whether or not the address is a member's. Without a mail relay the message waits in the outbox: a " +
				"network admin can make a link from the console (sharefair admin reset-link).",
			status: 202, errs: []int{s422}, ep: withBody(h.postPasswordResetRequest)},
		{method: "POST", pattern: p + "/password-reset", public: true, id: "postPasswordReset", tag: "members",
			summary: "Choose a new password with a reset link's secret",
			about: "Single use, within a day of the link's making (emailed, or sharefair admin reset-link). Every session of the member " +
				"ends; their personal access tokens stay. A secret that cannot be used answers 422 on token, the same for every reason.",
			status: 204, errs: []int{s422}, ep: withBody(h.postPasswordReset)},
		{method: "GET", pattern: p + "/join/{token}", public: true, id: "getJoin", tag: "invitations",
			summary: "What an invitation link offers", status: 200, answer: joinJSON{}, ep: withParams(h.getJoin)},
		{method: "POST", pattern: p + "/join/{token}/accept", public: true, id: "postJoinAccept", tag: "invitations",
			summary: "Accept an invitation and become a member, or join its hub as one",
			about: "Single use. Signed out, the body makes a new member (name, handle, password) and the answer " +
				"(201) carries a personal access token for them. Signed in with a token as the member the invitation " +
				"is addressed to, the body is {} and the answer (200) says the hub they joined; signed in as anyone " +
				"else, 403.",
			status: 201, answer: newMemberJSON{}, also: []answerAt{{http.StatusOK, joinedJSON{}}},
			errs: []int{s403, s409, s422}, ep: withBoth(h.postJoinAccept)},

		{method: "GET", pattern: p + "/threads", id: "listThreads", tag: "threads",
			summary: "Threads the viewer may see, latest activity first", status: 200,
			answer: listJSON[threadJSON]{}, ep: withParams(h.listThreads)},
		{method: "POST", pattern: p + "/threads", id: "postThread", tag: "threads",
			summary: "Start a thread", about: postLimitAbout, status: 201, answer: threadJSON{},
			errs: []int{s403, s422, s429}, ep: withBody(h.postThread)},
		{method: "GET", pattern: p + "/threads/{id}", id: "getThread", tag: "threads",
			summary: "A thread", status: 200, answer: threadJSON{}, ep: withParams(h.getThread)},
		{method: "PUT", pattern: p + "/threads/{id}/audience", id: "putThreadAudience", tag: "threads",
			summary: "Change who may read a thread (its author)",
			about: "Before anyone else has replied, any audience the author may write for. Once others have replied, only " +
				"narrower: everyone who would read it must read it now (network to anything; a hub or circle to named " +
				"members who are all its readers; named members to some of them). A wider audience is refused with 422 " +
				"naming the field and saying why. 204 when changed (GET the thread for its audience); 200 with changed false when it is that already.",
			status: 204, also: []answerAt{{http.StatusOK, unchangedJSON{}}},
			errs: []int{s403, s422}, ep: withBoth(h.putThreadAudience)},
		{method: "PATCH", pattern: p + "/threads/{id}", id: "patchThread", tag: "threads",
			summary: "Rename a thread (its author, network admins)", status: 200, answer: threadJSON{},
			errs: []int{s403, s422}, ep: withBoth(h.patchThread)},
		{method: "PUT", pattern: p + "/threads/{id}/follow", id: "putFollow", tag: "notifications",
			summary: "Follow or mute a thread",
			about: "How the viewer is told of the thread's replies. Those who took part are told of replies unless they mute " +
				"it; others only when they follow it. @mentions arrive whatever the level. 204 when changed; 200 with changed " +
				"false when it was so already.",
			status: 204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s422}, ep: withBoth(h.putFollow)},
		{method: "POST", pattern: p + "/threads/{id}/read", id: "markThreadRead", tag: "notifications",
			summary: "Record that the viewer read a thread",
			about: "Up to the end of a page of posts, or all of it; never back. What the viewer was told of those posts is " +
				"marked read with them. The thread's unread_posts and first_unread_post_id say what is left.",
			status: 204, errs: []int{s422}, ep: withBoth(h.markThreadRead)},
		{method: "GET", pattern: p + "/me/mail", id: "getMailSettings", tag: "notifications",
			summary: "How notifications reach the viewer", status: 200, answer: mailSettingsJSON{}, ep: plain(h.getMailSettings)},
		{method: "PATCH", pattern: p + "/me/mail", id: "patchMailSettings", tag: "notifications",
			summary: "Choose how notifications reach the viewer",
			about: "Per kind: email (a few minutes after, a thread's replies in one message), app (in Sharefair only) or off " +
				"(not made at all). An unknown kind or delivery is refused with 422 naming it.",
			status: 200, answer: mailSettingsJSON{}, errs: []int{s422}, ep: withBody(h.patchMailSettings)},
		{method: "GET", pattern: p + "/admin/outbox", id: "listOutbox", tag: "network",
			summary: "The outbox (network admins)",
			about:   "Every message, newest first: to whom, what kind, and how it went; never what it says, nor any link it holds. Messages are written when they are sent.",
			status:  200, answer: listJSON[outboxJSON]{}, errs: []int{s403}, ep: withParams(h.listOutbox)},
		{method: "GET", pattern: p + "/notifications", id: "listNotifications", tag: "notifications",
			summary: "What the viewer is told of, newest first",
			about: "Replies in the threads the viewer took part in or follows (gathered per thread until read), @mentions, " +
				"invitations, and moderators' decisions about the viewer's posts. Each is read through the access rules when " +
				"asked for: a post withdrawn or hidden since leaves the list, a thread the viewer may no longer read is not " +
				"told of, and an author who hid their name is never named. /me gives the unread count.",
			status: 200, answer: listJSON[notificationJSON]{}, ep: withParams(h.listNotifications)},
		{method: "POST", pattern: p + "/notifications/read", id: "markNotificationsRead", tag: "notifications",
			summary: "Mark notifications read", status: 200, answer: markedJSON{}, errs: []int{s422},
			ep: withBody(h.markNotificationsRead)},
		{method: "GET", pattern: p + "/threads/{id}/posts", id: "listPosts", tag: "threads",
			summary: "A thread's posts, oldest first", status: 200, answer: listJSON[postJSON]{},
			ep: withParams(h.listPosts)},
		{method: "POST", pattern: p + "/threads/{id}/posts", id: "postPost", tag: "threads",
			summary: "Reply to a thread", about: postLimitAbout + " A locked thread answers 409.", status: 201, answer: postJSON{},
			errs: []int{s409, s422, s429}, ep: withBoth(h.postPost)},
		{method: "GET", pattern: p + "/posts/{id}", id: "getPost", tag: "threads",
			summary: "A post", status: 200, answer: postJSON{}, ep: withParams(h.getPost)},
		{method: "PATCH", pattern: p + "/posts/{id}", id: "patchPost", tag: "threads",
			summary: "Edit a post (its author)", status: 200, answer: postJSON{}, errs: []int{s403, s422},
			ep: withBoth(h.patchPost)},
		{method: "POST", pattern: p + "/posts/{id}/withdraw", id: "withdrawPost", tag: "threads",
			summary: "Withdraw a post (its author)",
			about: "Its author takes the post back: its text is deleted, not hidden, and it stays in the thread as a " +
				"tombstone (withdrawn: true) with no author and no pseudonym. Withdrawing the opening post withdraws " +
				"the thread's title too; a thread left with no post that is not withdrawn is deleted. The audit log " +
				"records that it happened, by number, without the text, and without the author for a Chatham House " +
				"or anonymous post. Withdrawing a withdrawn post changes nothing (changed: false); anyone but the " +
				"author, network admins included, is refused with 403 (moderators hide posts instead). A POST, not " +
				"DELETE: the post goes on answering, as its tombstone.",
			status: 200, answer: withdrawalJSON{}, errs: []int{s403}, ep: withParams(h.withdrawPost)},

		{method: "POST", pattern: p + "/posts/{id}/flags", id: "postFlag", tag: "moderation",
			summary: "Flag a post for its moderators",
			about: "Any reader but the author may flag a post, once while the flag is open: 204 when flagged, 200 with " +
				"changed false when the viewer's flag is open already. Moderators see the reasons counted and the notes, " +
				"never who flagged, and a flag reveals no hidden author to anyone.",
			status: 204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withBoth(h.postFlag)},
		{method: "DELETE", pattern: p + "/posts/{id}/flags", id: "dismissFlags", tag: "moderation",
			summary: "Dismiss a post's open flags, leaving it as it is (its moderators)",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403},
			ep: withParams(h.dismissFlags)},
		{method: "GET", pattern: p + "/moderation", id: "listModeration", tag: "moderation",
			summary: "Flagged posts the viewer may moderate, oldest flag first",
			about: "Hub coordinators see their hubs' posts, network admins the network's and every hub's. Each post " +
				"is shown as its readers see it: an anonymous or Chatham House author stays hidden from moderators too.",
			status: 200, answer: listJSON[moderationItemJSON]{}, ep: withParams(h.listModeration)},
		{method: "PUT", pattern: p + "/posts/{id}/hidden", id: "hidePost", tag: "moderation",
			summary: "Hide a post (its moderators)",
			about: "Readers then see a tombstone (body and html empty, hidden true); the author and the moderators " +
				"still see it, with the reason category. The post's open flags are settled. Written to the audit log " +
				"by number, never copying the post.",
			status: 204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403, s422},
			ep: withBoth(h.hidePost)},
		{method: "DELETE", pattern: p + "/posts/{id}/hidden", id: "restorePost", tag: "moderation",
			summary: "Show a hidden post again (its moderators)",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403},
			ep: withParams(h.restorePost)},
		{method: "POST", pattern: p + "/posts/{id}/reveal", id: "postReveal", tag: "moderation",
			summary: "Reveal who wrote a Chatham House or anonymous post, for abuse (network admins)",
			about: "An explicit step with a written reason, written to the audit log (without the author) and shown " +
				"to the author on their post. The answer names the author, once; nobody else's view changes. 409 for a " +
				"post signed with its author's name.",
			status: 200, answer: revealedJSON{}, errs: []int{s403, s409, s422}, ep: withBoth(h.postReveal)},
		{method: "PUT", pattern: p + "/threads/{id}/lock", id: "lockThread", tag: "moderation",
			summary: "Lock a thread: no new replies (its moderators)",
			about:   "Replies to a locked thread answer 409.",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403},
			ep: withParams(h.lockThread)},
		{method: "DELETE", pattern: p + "/threads/{id}/lock", id: "unlockThread", tag: "moderation",
			summary: "Unlock a thread (its moderators)",
			status:  204, also: []answerAt{{http.StatusOK, unchangedJSON{}}}, errs: []int{s403},
			ep: withParams(h.unlockThread)},
		{method: "PUT", pattern: p + "/members/{handle}/standing", id: "putStanding", tag: "moderation",
			summary: "Suspend, reinstate, deactivate or reactivate a member, or change their role (network admins)",
			about: "Suspension and deactivation end every session and access token at once; the member cannot sign in " +
				"until made active again. 409 for oneself, for the last admin, and for suspending a deactivated account. " +
				"Every change is written to the audit log.",
			status: 200, answer: standingAnswerJSON{}, errs: []int{s403, s409, s422}, ep: withBoth(h.putStanding)},
		{method: "GET", pattern: p + "/audit", id: "listAudit", tag: "moderation",
			summary: "The audit log, latest first (network admins)",
			about: "Every privileged act. Entries name members (null once deleted: the number stays) and content by " +
				"number and link, never copying it.",
			status: 200, answer: listJSON[auditEntryJSON]{}, errs: []int{s403, s422}, ep: withParams(h.listAudit)},
	}
}
