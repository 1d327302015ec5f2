'use strict';
exports.SettingType = require('./SettingType').SettingType;
