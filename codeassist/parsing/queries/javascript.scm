; Definitions codeassist turns into CodeUnits (tree-sitter-javascript).
; @name / @definition.<kind> convention; a function whose nearest enclosing
; definition is a class becomes a method.

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(class_declaration
  name: (identifier) @name) @definition.class

; `const Foo = class { ... }` names the class through its variable.
(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

; `const f = () => ...` and `var g = function () {}`: the variable names the function.
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; Methods and function-valued fields of named classes only: object-literal methods
; and anonymous class expressions would get a misleading qualname.
(class_declaration
  body: (class_body
    (method_definition
      name: (_) @name) @definition.function))

(class_declaration
  body: (class_body
    (field_definition
      property: (_) @name
      value: [(arrow_function) (function_expression) (generator_function)]) @definition.function))

(variable_declarator
  value: (class
    body: (class_body
      (method_definition
        name: (_) @name) @definition.function)))

(variable_declarator
  value: (class
    body: (class_body
      (field_definition
        property: (_) @name
        value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)))

; `res.status = function status(code) {}`, `Foo.prototype.bar = function () {}` and
; `exports.x = ...`: the property names the function (`module.exports = ...` names none).
(expression_statement
  (assignment_expression
    left: (member_expression
      property: (property_identifier) @name)
    right: [(arrow_function) (function_expression) (generator_function)]) @definition.function
  (#not-eq? @name "exports"))

; Comments, for suppression directives.
(comment) @comment
