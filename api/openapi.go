package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/swaggest/jsonschema-go"
	"github.com/swaggest/openapi-go"
	"github.com/swaggest/openapi-go/openapi3"

	"github.com/sharefair/sharefair/server"
)

// OpenAPI is the API's OpenAPI 3.0 description as committed beside the
// code, and served at /api/v1/openapi.json. It is generated from the route
// table and the Go types it names (GenerateOpenAPI, `sharefair openapi`);
// a test fails when the two differ.
//
//go:embed openapi.json
var OpenAPI []byte

//go:generate sh -c "go run ../cmd/sharefair openapi > openapi.json"

func (h *Handler) getOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(OpenAPI)
	return nil
}

// documentJSON stands for the OpenAPI document itself, an object.
type documentJSON struct{}

// describeDocument says what GET /openapi.json answers: an object.
func describeDocument(cor openapi.ContentOrReference) {
	obj := openapi3.SchemaTypeObject
	cor.(*openapi3.ResponseOrRef).Response.WithDescription("This OpenAPI 3.0 document.").WithContent(map[string]openapi3.MediaType{
		"application/json": {Schema: &openapi3.SchemaOrRef{Schema: &openapi3.Schema{Type: &obj}}},
	})
}

const apiDescription = "The JSON API of a Sharefair network. Authenticate with a personal access token: " +
	"Authorization: Bearer <token> (get one with POST /api/v1/tokens/password); operations without a security " +
	"requirement need none. JSON is snake_case, times are RFC 3339 in UTC, ids are numbers. Lists are " +
	"{items, page, per_page, total, pages}. Errors always have the Error shape. Request bodies must be sent with " +
	"Content-Type: application/json (400 otherwise) and are read strictly: unknown fields, fields given twice " +
	"and field names in the wrong case are refused with 400 naming the field. Every operation may answer 400 " +
	"for a query string that is not valid UTF-8 text, 401 for a bad token and 413 for a declared body length " +
	"over the limit. Unknown paths answer 404 and wrong methods 405 (with Allow), both as Error."

// errorResponses are the documented error answers, by status: the name of
// their component and its description.
var errorResponses = map[int][2]string{
	400: {"BadRequest", "Malformed request: not JSON, wrong JSON types, unknown, repeated or wrongly cased " +
		"fields, a bad query parameter, or a body not declared as application/json."},
	401: {"Unauthorized", "Not signed in, or bad credentials."},
	403: {"Forbidden", "Signed in but not allowed."},
	404: {"NotFound", "No such thing, or not visible to the viewer."},
	409: {"Conflict", "Clashes with existing state."},
	413: {"TooLarge", "The request body is over the limit."},
	422: {"Invalid", "Validation failed; field and fields name what to correct."},
	429: {"RateLimited", "Too many attempts; retry after the number of seconds in Retry-After."},
}

// schemaNames are the component names of types whose Go names do not give
// them (see schemaName).
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[server.ErrorBody]():   "Error",
	reflect.TypeFor[server.ErrorDetail](): "ErrorDetail",
	reflect.TypeFor[joinJSON]():           "InvitationPreview",
	reflect.TypeFor[newTokenJSON]():       "NewTokenRequest",
	reflect.TypeFor[passwordTokenJSON]():  "PasswordTokenRequest",
	reflect.TypeFor[setupJSON]():          "SetupRequest",
}

// schemaDescriptions describe the schemas of types, where their fields do
// not say enough.
var schemaDescriptions = map[reflect.Type]string{
	reflect.TypeFor[server.ErrorBody](): "Every error the API returns has this shape.",
	reflect.TypeFor[memberRefJSON]():    "A member, as other objects point at them.",
	reflect.TypeFor[hubRefJSON]():       "A hub, as other objects point at it.",
	reflect.TypeFor[memberJSON]():       "A member as the directory shows them. Never carries an email address.",
	reflect.TypeFor[profileJSON]():      "A member's profile: the member, their hubs and their recent visible threads.",
	reflect.TypeFor[meJSON]():           "The signed-in member's own profile, the only place their email address appears.",
	reflect.TypeFor[joinJSON]():         "What an invitation link shows the person invited.",
	reflect.TypeFor[memberPatch]():      "Absent fields are left as they are.",
	reflect.TypeFor[hubPatch]():         "Absent fields are left as they are.",
}

// schemaName names a type's schema component: memberJSON is Member,
// memberPatch MemberPatch, listJSON[memberJSON] MemberList.
func schemaName(t reflect.Type) string {
	if n, ok := schemaNames[t]; ok {
		return n
	}
	name := t.Name()
	if base, _, ok := strings.Cut(name, "["); ok && base == "listJSON" {
		if f, ok := t.FieldByName("Items"); ok {
			return schemaName(f.Type.Elem()) + "List"
		}
	}
	name = strings.TrimSuffix(name, "JSON")
	return string(unicode.ToUpper(rune(name[0]))) + name[1:]
}

// GenerateOpenAPI builds the OpenAPI document from the route table and the
// types it names.
func GenerateOpenAPI() ([]byte, error) {
	r := openapi3.NewReflector()
	named := map[string]reflect.Type{} // schema name → the type it describes
	var clash error
	r.Spec.Openapi = "3.0.3"
	r.Spec.Info.WithTitle("Sharefair API").WithVersion("1").WithDescription(apiDescription)
	r.DefaultOptions = append(r.DefaultOptions,
		jsonschema.InterceptDefName(func(t reflect.Type, _ string) string {
			name := schemaName(t)
			if other, ok := named[name]; ok && other != t && clash == nil {
				clash = fmt.Errorf("types %v and %v would both be schema %s: name one in schemaNames", other, t, name)
			}
			named[name] = t
			return name
		}),
		jsonschema.InterceptProp(requireAnswered),
		jsonschema.InterceptSchema(closeObjects),
		jsonschema.InterceptNullability(answerNullability),
	)
	comps := r.Spec.ComponentsEns()
	comps.SecuritySchemesEns().WithMapOfSecuritySchemeOrRefValuesItem("bearerAuth", openapi3.SecuritySchemeOrRef{
		SecurityScheme: &openapi3.SecurityScheme{HTTPSecurityScheme: (&openapi3.HTTPSecurityScheme{}).
			WithScheme("bearer").WithDescription("A personal access token (sf_…).")},
	})

	table := (&Handler{}).routeTable()
	var tags []string
	usedErrors := map[int]bool{}
	for _, rt := range table {
		if !slices.Contains(tags, rt.tag) {
			tags = append(tags, rt.tag)
		}
		oc, err := r.NewOperationContext(rt.method, rt.pattern)
		if err != nil {
			return nil, err
		}
		oc.SetID(rt.id)
		oc.SetSummary(rt.summary)
		if rt.about != "" {
			oc.SetDescription(rt.about)
		}
		oc.SetTags(rt.tag)
		if !rt.public {
			oc.AddSecurity("bearerAuth")
		}
		if rt.ep.params != nil {
			oc.AddReqStructure(rt.ep.params)
		}
		if rt.ep.body != nil {
			oc.AddReqStructure(rt.ep.body, openapi.WithCustomize(func(cor openapi.ContentOrReference) {
				if rb, ok := cor.(*openapi3.RequestBodyOrRef); ok && rb.RequestBody != nil {
					rb.RequestBody.WithRequired(true)
				}
			}))
		}
		for _, status := range rt.statuses() {
			if e, ok := errorResponses[status]; ok {
				usedErrors[status] = true
				oc.AddRespStructure(nil, openapi.WithHTTPStatus(status),
					openapi.WithReference("#/components/responses/"+e[0]))
				continue
			}
			if e, ok := errorResponses[status]; ok || status >= 400 {
				return nil, fmt.Errorf("%s %s: status %d has no description (%v)", rt.method, rt.pattern, status, e)
			}
			if _, ok := rt.answer.(documentJSON); ok {
				oc.AddRespStructure(nil, openapi.WithHTTPStatus(status), openapi.WithCustomize(describeDocument))
				continue
			}
			oc.AddRespStructure(rt.answer, openapi.WithHTTPStatus(status))
		}
		for _, a := range rt.also {
			oc.AddRespStructure(a.answer, openapi.WithHTTPStatus(a.status))
		}
		if err := r.AddOperation(oc); err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.method, rt.pattern, err)
		}
	}
	for _, t := range tags {
		r.Spec.Tags = append(r.Spec.Tags, openapi3.Tag{Name: t})
	}

	// The error answers, all in the one Error shape.
	errSchema, err := r.Reflect(server.ErrorBody{}, jsonschema.DefinitionsPrefix("#/components/schemas/"),
		jsonschema.CollectDefinitions(func(name string, s jsonschema.Schema) {
			var sr openapi3.SchemaOrRef
			sr.FromJSONSchema(s.ToSchemaOrBool())
			comps.SchemasEns().WithMapOfSchemaOrRefValuesItem(name, sr)
		}))
	if err != nil {
		return nil, err
	}
	var errBody openapi3.SchemaOrRef
	errBody.FromJSONSchema(errSchema.ToSchemaOrBool())
	comps.SchemasEns().WithMapOfSchemaOrRefValuesItem("Error", errBody)
	errRef := openapi3.SchemaOrRef{SchemaReference: &openapi3.SchemaReference{Ref: "#/components/schemas/Error"}}
	for status, e := range errorResponses {
		if !usedErrors[status] {
			continue
		}
		resp := openapi3.Response{Description: e[1], Content: map[string]openapi3.MediaType{
			"application/json": {Schema: &errRef},
		}}
		if status == http.StatusTooManyRequests {
			resp.Headers = map[string]openapi3.HeaderOrRef{"Retry-After": {Header: &openapi3.Header{
				Description: ptr("Seconds to wait."),
				Schema:      &openapi3.SchemaOrRef{Schema: (&openapi3.Schema{}).WithType(openapi3.SchemaTypeInteger)},
			}}}
		}
		comps.ResponsesEns().WithMapOfResponseOrRefValuesItem(e[0], openapi3.ResponseOrRef{Response: &resp})
	}

	if clash != nil {
		return nil, clash
	}

	// A parameter's description is said once, beside it, not again in its
	// schema.
	for _, item := range r.Spec.Paths.MapOfPathItemValues {
		for _, op := range item.MapOfOperationValues {
			for _, prm := range op.Parameters {
				if p := prm.Parameter; p != nil && p.Schema != nil && p.Schema.Schema != nil {
					p.Schema.Schema.Description = nil
				}
			}
		}
	}

	// A component is never null itself; where a use may be null, it says
	// so (answerNullability).
	for _, sr := range comps.SchemasEns().MapOfSchemaOrRefValues {
		if sr.Schema != nil {
			sr.Schema.Nullable = nil
		}
	}

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.Spec); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }

// answering reports whether a schema is being reflected for an answer
// (rather than a request), or for no operation.
func answering(rc *jsonschema.ReflectContext) bool {
	oc, ok := openapi.OperationCtx(rc)
	return !ok || oc.IsProcessingResponse()
}

// answerNullability says which fields of an answer may be null: pointers,
// which the API writes as null when there is nothing, but not lists, which
// it always writes ([] when empty).
func answerNullability(p jsonschema.InterceptNullabilityParams) {
	if !answering(p.Context) {
		return
	}
	switch {
	case p.Type.Kind() == reflect.Slice:
		p.Schema.RemoveType(jsonschema.Null)
	case p.Type.Kind() == reflect.Pointer && p.Schema.Ref != nil:
		// OpenAPI 3.0 ignores nullable beside a $ref: wrap the $ref in
		// allOf.
		ref := jsonschema.Schema{Ref: p.Schema.Ref}
		p.Schema.Ref = nil
		p.Schema.AllOf = []jsonschema.SchemaOrBool{ref.ToSchemaOrBool()}
		p.Schema.AddType(jsonschema.Null)
	}
}

// requireAnswered marks every field of an answer required, but those left
// out when empty (omitempty): the API always writes them, null or not.
// Request bodies say what they require with required:"true" tags.
func requireAnswered(p jsonschema.InterceptPropParams) error {
	if !p.Processed || p.ParentSchema == nil {
		return nil
	}
	if !answering(p.Context) {
		return nil
	}
	if strings.Contains(p.Field.Tag.Get("json"), ",omitempty") || slices.Contains(p.ParentSchema.Required, p.Name) {
		return nil
	}
	p.ParentSchema.Required = append(p.ParentSchema.Required, p.Name)
	return nil
}

// closeObjects forbids undocumented properties in every object schema of a
// struct body, so that the tests' validation of answers catches a field
// the document lacks (and clients know the API refuses unknown fields),
// and describes the types that schemaDescriptions describe.
func closeObjects(p jsonschema.InterceptSchemaParams) (bool, error) {
	if !p.Processed || p.Schema == nil {
		return false, nil
	}
	t := p.Value.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false, nil
	}
	if oc, ok := openapi.OperationCtx(p.Context); ok && oc.ProcessingIn() != openapi.InBody {
		return false, nil // parameters: unknown ones are ignored
	}
	if d, ok := schemaDescriptions[t]; ok {
		p.Schema.WithDescription(d)
	} else if strings.HasPrefix(t.Name(), "listJSON[") {
		p.Schema.WithDescription("One page of a list.")
	}
	if p.Schema.Properties == nil {
		return false, nil
	}
	// A pointer's null is said where it is used (answerNullability), not
	// in the shared schema of what it points to.
	p.Schema.RemoveType(jsonschema.Null)
	if p.Schema.AdditionalProperties == nil {
		p.Schema.WithAdditionalProperties(jsonschema.SchemaOrBool{TypeBoolean: ptr(false)})
	}
	return false, nil
}
