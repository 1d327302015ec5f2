/// `JSONValue` lives in its own small module so the JavaScript runtime can convert it to and from VM values without
/// depending on the chat domain; everything that imports ChatCore sees it as before.
@_exported public import AirlockJSON
