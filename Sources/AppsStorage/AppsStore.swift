/// Everything the apps host keeps, in one name: installed apps, their logs, their persistence and their jobs, and the
/// publisher keys trusted to sign packages. Both
/// backends (`EmbeddedStore`, `MongoStore`) implement it next to the chat core's `ChatStore`, which knows nothing
/// of apps; the composition root hands the same store object to both sides.
public typealias AppsStore = AppStore & AppLogStore & AppPersistenceStore & AppJobStore & TrustedKeyStore
