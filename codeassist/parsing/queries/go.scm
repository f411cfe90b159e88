; Go definitions codeassist turns into CodeUnits (@name / @definition.<kind>).
; A method's receiver type is not an enclosing node, so go.py's qualname_prefix
; supplies it. Only struct and interface types are units: `type ID int` has no
; members to document. Interface method elements are left out.

(function_declaration
  name: (identifier) @name) @definition.function

(method_declaration
  name: (field_identifier) @name) @definition.method

(type_spec
  name: (type_identifier) @name
  type: [(struct_type) (interface_type)]) @definition.class

; Comments, for suppression directives.
(comment) @comment
