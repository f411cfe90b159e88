; Definitions codeassist turns into CodeUnits. Capture names follow the
; @name / @definition.<kind> convention; a function whose nearest enclosing
; definition is a class becomes a method.

(class_definition
  name: (identifier) @name) @definition.class

(function_definition
  name: (identifier) @name) @definition.function

; Comments, for suppression directives.
(comment) @comment
