"""Standard exception hierarchies, so that a documented parent covers a raised subclass.

Java's and JavaScript's are tables of the common classes; Python's is read from `builtins`,
so it follows the running interpreter. Names are short (`IOException`, not `java.io.IOException`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping

# The common java.lang(.annotation), java.io, java.util(.concurrent, .zip), java.net, java.nio
# and java.sql exceptions and errors, each mapped to its superclass.
_JAVA: dict[str, str] = {
    "Exception": "Throwable",
    "Error": "Throwable",
    # java.lang
    "RuntimeException": "Exception",
    "ReflectiveOperationException": "Exception",
    "ClassNotFoundException": "ReflectiveOperationException",
    "IllegalAccessException": "ReflectiveOperationException",
    "InstantiationException": "ReflectiveOperationException",
    "NoSuchFieldException": "ReflectiveOperationException",
    "NoSuchMethodException": "ReflectiveOperationException",
    "InvocationTargetException": "ReflectiveOperationException",
    "CloneNotSupportedException": "Exception",
    "InterruptedException": "Exception",
    "ArithmeticException": "RuntimeException",
    "ArrayStoreException": "RuntimeException",
    "ClassCastException": "RuntimeException",
    "EnumConstantNotPresentException": "RuntimeException",
    "IllegalArgumentException": "RuntimeException",
    "IllegalThreadStateException": "IllegalArgumentException",
    "NumberFormatException": "IllegalArgumentException",
    "IllegalCallerException": "RuntimeException",
    "IllegalMonitorStateException": "RuntimeException",
    "IllegalStateException": "RuntimeException",
    "IndexOutOfBoundsException": "RuntimeException",
    "ArrayIndexOutOfBoundsException": "IndexOutOfBoundsException",
    "StringIndexOutOfBoundsException": "IndexOutOfBoundsException",
    "LayerInstantiationException": "RuntimeException",
    "NegativeArraySizeException": "RuntimeException",
    "NullPointerException": "RuntimeException",
    "SecurityException": "RuntimeException",
    "TypeNotPresentException": "RuntimeException",
    "UnsupportedOperationException": "RuntimeException",
    "WrongThreadException": "RuntimeException",
    "UndeclaredThrowableException": "RuntimeException",
    "MalformedParametersException": "RuntimeException",
    "MalformedParameterizedTypeException": "RuntimeException",
    "WrongMethodTypeException": "RuntimeException",
    "LambdaConversionException": "Exception",
    "StringConcatException": "Exception",
    "AssertionError": "Error",
    "LinkageError": "Error",
    "BootstrapMethodError": "LinkageError",
    "ClassCircularityError": "LinkageError",
    "ClassFormatError": "LinkageError",
    "UnsupportedClassVersionError": "ClassFormatError",
    "ExceptionInInitializerError": "LinkageError",
    "IncompatibleClassChangeError": "LinkageError",
    "AbstractMethodError": "IncompatibleClassChangeError",
    "IllegalAccessError": "IncompatibleClassChangeError",
    "InstantiationError": "IncompatibleClassChangeError",
    "NoSuchFieldError": "IncompatibleClassChangeError",
    "NoSuchMethodError": "IncompatibleClassChangeError",
    "NoClassDefFoundError": "LinkageError",
    "UnsatisfiedLinkError": "LinkageError",
    "VerifyError": "LinkageError",
    "ThreadDeath": "Error",
    "VirtualMachineError": "Error",
    "InternalError": "VirtualMachineError",
    "OutOfMemoryError": "VirtualMachineError",
    "StackOverflowError": "VirtualMachineError",
    "UnknownError": "VirtualMachineError",
    "ServiceConfigurationError": "Error",
    "AnnotationFormatError": "Error",
    "AnnotationTypeMismatchException": "RuntimeException",
    "IncompleteAnnotationException": "RuntimeException",
    "IOError": "Error",
    # java.io
    "IOException": "Exception",
    "UncheckedIOException": "RuntimeException",
    "CharConversionException": "IOException",
    "EOFException": "IOException",
    "FileNotFoundException": "IOException",
    "InterruptedIOException": "IOException",
    "ObjectStreamException": "IOException",
    "InvalidClassException": "ObjectStreamException",
    "InvalidObjectException": "ObjectStreamException",
    "NotActiveException": "ObjectStreamException",
    "NotSerializableException": "ObjectStreamException",
    "OptionalDataException": "ObjectStreamException",
    "StreamCorruptedException": "ObjectStreamException",
    "WriteAbortedException": "ObjectStreamException",
    "SyncFailedException": "IOException",
    "UnsupportedEncodingException": "IOException",
    "UTFDataFormatException": "IOException",
    # java.util
    "ConcurrentModificationException": "RuntimeException",
    "EmptyStackException": "RuntimeException",
    "MissingResourceException": "RuntimeException",
    "NoSuchElementException": "RuntimeException",
    "InputMismatchException": "NoSuchElementException",
    "IllformedLocaleException": "RuntimeException",
    "IllegalFormatException": "IllegalArgumentException",
    "DuplicateFormatFlagsException": "IllegalFormatException",
    "FormatFlagsConversionMismatchException": "IllegalFormatException",
    "IllegalFormatCodePointException": "IllegalFormatException",
    "IllegalFormatConversionException": "IllegalFormatException",
    "IllegalFormatFlagsException": "IllegalFormatException",
    "IllegalFormatPrecisionException": "IllegalFormatException",
    "IllegalFormatWidthException": "IllegalFormatException",
    "MissingFormatArgumentException": "IllegalFormatException",
    "MissingFormatWidthException": "IllegalFormatException",
    "UnknownFormatConversionException": "IllegalFormatException",
    "UnknownFormatFlagsException": "IllegalFormatException",
    "FormatterClosedException": "IllegalStateException",
    "PatternSyntaxException": "IllegalArgumentException",
    "InvalidPropertiesFormatException": "IOException",
    "TooManyListenersException": "Exception",
    "DataFormatException": "Exception",
    "ZipException": "IOException",
    "JarException": "ZipException",
    "ZipError": "InternalError",
    # java.util.concurrent
    "BrokenBarrierException": "Exception",
    "CancellationException": "IllegalStateException",
    "CompletionException": "RuntimeException",
    "ExecutionException": "Exception",
    "RejectedExecutionException": "RuntimeException",
    "TimeoutException": "Exception",
    # java.net
    "MalformedURLException": "IOException",
    "ProtocolException": "IOException",
    "SocketException": "IOException",
    "BindException": "SocketException",
    "ConnectException": "SocketException",
    "NoRouteToHostException": "SocketException",
    "PortUnreachableException": "SocketException",
    "SocketTimeoutException": "InterruptedIOException",
    "UnknownHostException": "IOException",
    "UnknownServiceException": "IOException",
    "HttpRetryException": "IOException",
    "URISyntaxException": "Exception",
    # java.nio
    "BufferOverflowException": "RuntimeException",
    "BufferUnderflowException": "RuntimeException",
    "InvalidMarkException": "IllegalStateException",
    "ReadOnlyBufferException": "UnsupportedOperationException",
    "ClosedChannelException": "IOException",
    "AsynchronousCloseException": "ClosedChannelException",
    "ClosedByInterruptException": "AsynchronousCloseException",
    "NonReadableChannelException": "IllegalStateException",
    "NonWritableChannelException": "IllegalStateException",
    "OverlappingFileLockException": "IllegalStateException",
    "CharacterCodingException": "IOException",
    "MalformedInputException": "CharacterCodingException",
    "UnmappableCharacterException": "CharacterCodingException",
    "IllegalCharsetNameException": "IllegalArgumentException",
    "UnsupportedCharsetException": "IllegalArgumentException",
    "FileSystemException": "IOException",
    "AccessDeniedException": "FileSystemException",
    "DirectoryNotEmptyException": "FileSystemException",
    "FileAlreadyExistsException": "FileSystemException",
    "NoSuchFileException": "FileSystemException",
    "NotDirectoryException": "FileSystemException",
    "NotLinkException": "FileSystemException",
    "FileSystemLoopException": "FileSystemException",
    "InvalidPathException": "IllegalArgumentException",
    "ProviderNotFoundException": "RuntimeException",
    "ClosedFileSystemException": "IllegalStateException",
    "ClosedWatchServiceException": "IllegalStateException",
    "DirectoryIteratorException": "ConcurrentModificationException",
    # java.sql
    "SQLException": "Exception",
    "BatchUpdateException": "SQLException",
    "SQLClientInfoException": "SQLException",
    "SQLWarning": "SQLException",
    "DataTruncation": "SQLWarning",
    "SQLNonTransientException": "SQLException",
    "SQLDataException": "SQLNonTransientException",
    "SQLFeatureNotSupportedException": "SQLNonTransientException",
    "SQLIntegrityConstraintViolationException": "SQLNonTransientException",
    "SQLInvalidAuthorizationSpecException": "SQLNonTransientException",
    "SQLNonTransientConnectionException": "SQLNonTransientException",
    "SQLSyntaxErrorException": "SQLNonTransientException",
    "SQLTransientException": "SQLException",
    "SQLTimeoutException": "SQLTransientException",
    "SQLTransactionRollbackException": "SQLTransientException",
    "SQLTransientConnectionException": "SQLTransientException",
    "SQLRecoverableException": "SQLException",
}

_JAVASCRIPT: dict[str, str] = {
    name: "Error"
    for name in (
        "AggregateError", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError",
        "URIError", "DOMException",
    )
}

# Python's exception classes, read from the running interpreter; `object` ends each chain.
_PYTHON: dict[str, str] = {
    name: value.__base__.__name__
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException) and value is not BaseException
}

_STANDARD: dict[str, dict[str, str]] = {
    "java": _JAVA,
    "python": _PYTHON,
    "javascript": _JAVASCRIPT,
    "typescript": _JAVASCRIPT,
    "tsx": _JAVASCRIPT,
}


def ancestors(
    name: str, language: str, local: Mapping[str, tuple[str, ...]] | None = None
) -> set[str]:
    """Return the short names of an exception class and of every class above it.

    Args:
        name: The exception's name, short or dotted.
        language: The language registry name, which picks the standard hierarchy.
        local: Bases (short or dotted) of classes defined next to the raising code, by short
            name; they take precedence over the standard hierarchy.

    Returns:
        `name`'s short form and its known ancestors' short forms.
    """
    standard = _STANDARD.get(language, {})
    local = local or {}
    seen: set[str] = set()
    pending = [short_name(name)]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in local:
            pending.extend(short_name(base) for base in local[current])
        elif current in standard:
            pending.append(standard[current])
    return seen


def short_name(name: str) -> str:
    """Return a class name without its package, module or type arguments.

    Args:
        name: A short or dotted name, possibly with `<...>` or `[...]`.

    Returns:
        The last dotted part.
    """
    return name.split("[")[0].split("<")[0].strip().rsplit(".", 1)[-1]
