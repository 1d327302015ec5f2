'use strict';
/// Where an app's action button appears.
exports.UIActionButtonContext = Object.freeze({
  MESSAGE_ACTION: 'messageAction', MESSAGE_BOX_ACTION: 'messageBoxAction', ROOM_ACTION: 'roomAction',
  USER_DROPDOWN_ACTION: 'userDropdownAction', ROOM_SIDEBAR_ACTION: 'roomSidebarAction',
});
