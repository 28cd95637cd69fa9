package api

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/sharefair/sharefair"
)

// An operation's path and query parameters are one struct: its tags are
// what the OpenAPI document says about them (path, query, minimum, maximum,
// default, description) and what bindParams reads and checks, so the two
// cannot disagree. A path number that is not one (or out of range) names
// nothing: not found, as "what" says. A bad query value is a bad request
// naming the parameter.

// PageQuery is ?page= and ?per_page= of a list.
type PageQuery struct {
	Page    int `query:"page" minimum:"1" maximum:"1000000" default:"1" description:"Page number, from 1."`
	PerPage int `query:"per_page" minimum:"1" maximum:"100" default:"30" description:"Items per page."`
}

func (q PageQuery) page() sharefair.Page { return sharefair.Page{Number: q.Page, Size: q.PerPage} }

// PostPageQuery pages a thread's posts, which come more to a page.
type PostPageQuery struct {
	Page    int `query:"page" minimum:"1" maximum:"1000000" default:"1" description:"Page number, from 1."`
	PerPage int `query:"per_page" minimum:"1" maximum:"100" default:"50" description:"Posts per page."`
}

func (q PostPageQuery) page() sharefair.Page { return sharefair.Page{Number: q.Page, Size: q.PerPage} }

// DirectoryQuery are the member directory's filters other than the hub.
type DirectoryQuery struct {
	Organisation string `query:"organisation" description:"Organisation, case-insensitive."`
	Language     string `query:"language" description:"ISO 639-1 code."`
	Expertise    string `query:"expertise" description:"Expertise tag."`
	Q            string `query:"q" description:"Matches name or handle."`
	PageQuery
}

func (q DirectoryQuery) filter(hub string) sharefair.MemberFilter {
	return sharefair.MemberFilter{Hub: hub, Organisation: q.Organisation, Language: q.Language,
		Expertise: q.Expertise, Query: q.Q, Page: q.page()}
}

// memberQuery filters the member directory.
type memberQuery struct {
	Hub string `query:"hub" description:"Hub slug."`
	DirectoryQuery
}

// threadQuery filters the list of threads.
type threadQuery struct {
	Hub string `query:"hub" description:"Hub slug; no threads when there is no such hub."`
	PageQuery
}

// SlugPath names a hub.
type SlugPath struct {
	Slug string `path:"slug" description:"The hub's address."`
}

// hubMemberQuery lists a hub's members.
type hubMemberQuery struct {
	SlugPath
	DirectoryQuery
}

// hubPageQuery pages a list of one hub's things.
type hubPageQuery struct {
	SlugPath
	PageQuery
}

// HandlePath names a member.
type HandlePath struct {
	Handle string `path:"handle" description:"A member's handle."`
}

// coordinatorPath names a hub and one of its members.
type coordinatorPath struct {
	SlugPath
	HandlePath
}

// invitationTokenPath is an invitation link's secret.
type invitationTokenPath struct {
	Token string `path:"token" description:"The secret token from the invitation link /join/{token}."`
}

// ThreadPath names a thread.
type ThreadPath struct {
	ID int64 `path:"id" minimum:"1" what:"Thread"`
}

// threadPostsQuery pages a thread's posts.
type threadPostsQuery struct {
	ThreadPath
	PostPageQuery
}

// postPath names a post.
type postPath struct {
	ID int64 `path:"id" minimum:"1" what:"Post"`
}

// tokenPath names a personal access token.
type tokenPath struct {
	ID int64 `path:"id" minimum:"1" what:"Token"`
}

// invitationPath names an invitation.
type invitationPath struct {
	ID int64 `path:"id" minimum:"1" what:"Invitation"`
}

// The parameter structs that others embed are exported: reflection may set
// fields reached through an embedded struct only when its type is.

// bindParams fills the struct dst points to from the request's path and
// query, as its tags say.
func bindParams(r *http.Request, dst any) error {
	return bindStruct(r, reflect.ValueOf(dst).Elem())
}

func bindStruct(r *http.Request, v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if err := bindStruct(r, fv); err != nil {
				return err
			}
			continue
		}
		if name := f.Tag.Get("path"); name != "" {
			if err := setParam(fv, f, r.PathValue(name), false); err != nil {
				return sharefair.ErrNotFound(f.Tag.Get("what"))
			}
			continue
		}
		if name := f.Tag.Get("query"); name != "" {
			s := r.URL.Query().Get(name)
			if s == "" {
				s = f.Tag.Get("default")
			}
			if err := setParam(fv, f, s, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// setParam sets a string or whole-number field from s, within the field's
// minimum and maximum.
func setParam(v reflect.Value, f reflect.StructField, s string, inQuery bool) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
		return nil
	case reflect.Int, reflect.Int64:
		if s == "" && inQuery {
			return nil
		}
		name := f.Tag.Get("query")
		lo, hi := int64(1), int64(1)<<62
		if m := f.Tag.Get("minimum"); m != "" {
			lo, _ = strconv.ParseInt(m, 10, 64)
		}
		if m := f.Tag.Get("maximum"); m != "" {
			hi, _ = strconv.ParseInt(m, 10, 64)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < lo || n > hi {
			return badRequest(name, name+" must be a whole number from "+strconv.FormatInt(lo, 10)+" to "+
				strconv.FormatInt(hi, 10)+".")
		}
		v.SetInt(n)
		return nil
	}
	panic("api: parameter " + f.Name + " has a kind bindParams does not read: " + v.Kind().String())
}

// CirclePath names a circle by its key.
type CirclePath struct {
	Key string `path:"key" description:"The circle's key, from its address /circles/{key}."`
}

// circleMemberPath names a circle and a member.
type circleMemberPath struct {
	CirclePath
	HandlePath
}

// circlePageQuery pages a list of one circle's things.
type circlePageQuery struct {
	CirclePath
	PageQuery
}
