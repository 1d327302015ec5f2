'use strict';
/// How a processor's job starts when the app is enabled.
exports.StartupType = Object.freeze({ ONETIME: 'onetime', RECURRING: 'recurring' });
