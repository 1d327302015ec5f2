'use strict';
exports.SettingType = Object.freeze({
  BOOLEAN: 'boolean', CODE: 'code', COLOR: 'color', FONT: 'font', NUMBER: 'int', SELECT: 'select',
  STRING: 'string', MULTI_SELECT: 'multiSelect', PASSWORD: 'password', ROOM_PICK: 'roomPick',
});
