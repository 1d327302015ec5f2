'use strict';
// `createOAuth2Client(app, options)`: the OAuth2 authorization-code flow Apps-Engine gives apps, written on the
// app's own accessors (as Rocket.Chat's is): `setup` provides a public `<alias>-callback` endpoint and the client id
// and secret settings; tokens are kept per user in the app's persistence, associated with the user and
// `<alias>-oauth-connection`.
const { HttpStatusCode } = require('@rocket.chat/apps-engine/definition/accessors/IHttp');
const { ApiSecurity, ApiVisibility } = require('@rocket.chat/apps-engine/definition/api/IApi');
const { RocketChatAssociationModel, RocketChatAssociationRecord } = require('@rocket.chat/apps-engine/definition/metadata/RocketChatAssociations');
const { SettingType } = require('@rocket.chat/apps-engine/definition/settings/SettingType');

const page = (text) => `<div style="display:flex;align-items:center;justify-content:center;height:100%"><h1 style="text-align:center;font-family:sans-serif">${text}</h1></div>`;
const pages = {
  success: page('Authorization went successfully<br>You can close this tab now'),
  failed: page('Something went wrong: please try again, or contact the administrator if it still fails.'),
};

class OAuth2Client {
  constructor(app, config) {
    this.app = app;
    this.config = config;
  }

  async setup(configuration) {
    const { alias } = this.config;
    configuration.api.provideApi({
      security: ApiSecurity.UNSECURE,
      visibility: ApiVisibility.PUBLIC,
      endpoints: [{ path: `${alias}-callback`, get: this.handleOAuthCallback.bind(this) }],
    });
    await Promise.all([
      configuration.settings.provideSetting({ id: `${alias}-oauth-client-id`, type: SettingType.STRING, public: true, required: true, packageValue: '', i18nLabel: `${alias}-oauth-client-id` }),
      configuration.settings.provideSetting({ id: `${alias}-oauth-clientsecret`, type: SettingType.STRING, public: true, required: true, packageValue: '', i18nLabel: `${alias}-oauth-client-secret` }),
    ]);
  }

  async getUserAuthorizationUrl(user, scopes) {
    const siteUrl = await this.siteUrl();
    const url = new URL(this.config.authUri, siteUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', `${siteUrl}/${this.callbackPath()}`);
    url.searchParams.set('state', user.id);
    url.searchParams.set('client_id', await this.setting('oauth-client-id'));
    url.searchParams.set('access_type', 'offline');
    const allScopes = [...(this.config.defaultScopes || []), ...(scopes || [])];
    if (allScopes.length > 0) url.searchParams.set('scope', allScopes.join(' '));
    return url;
  }

  async getAccessTokenForUser(user) {
    const [found] = await this.app.getAccessors().reader.getPersistenceReader().readByAssociations(this.associations(user.id));
    return found;
  }

  async refreshUserAccessToken(user, persis) {
    try {
      const current = await this.getAccessTokenForUser(user);
      if (!current) throw new Error('User has no access token information');
      if (!current.refreshToken) throw new Error('User token information has no refresh token available');
      const url = new URL(this.config.refreshTokenUri);
      url.searchParams.set('client_id', await this.setting('oauth-client-id'));
      url.searchParams.set('client_secret', await this.setting('oauth-clientsecret'));
      url.searchParams.set('redirect_uri', `${await this.siteUrl()}/${this.callbackPath()}`);
      url.searchParams.set('refresh_token', current.refreshToken);
      url.searchParams.set('grant_type', 'refresh_token');
      const { content, statusCode } = await this.app.getAccessors().http.post(url.href);
      if (statusCode !== 200) throw new Error('Request to provider was unsuccessful. Check logs for more information');
      const answer = JSON.parse(content);
      if (!answer.access_token) throw new Error('No access token returned by the provider');
      const authData = { scope: answer.scope, token: answer.access_token, expiresAt: answer.expires_in, refreshToken: answer.refresh_token || current.refreshToken };
      await this.saveToken(authData, user.id, persis);
      return authData;
    } catch (error) {
      this.app.getLogger().error(error);
      throw error;
    }
  }

  async revokeUserAccessToken(user, persis) {
    try {
      const current = await this.getAccessTokenForUser(user);
      if (!current || !current.token) throw new Error('No access token available for this user.');
      const url = new URL(this.config.revokeTokenUri);
      url.searchParams.set('token', current.token);
      const result = await this.app.getAccessors().http.post(url.href);
      if (result.statusCode !== 200) throw new Error('Provider did not allow token to be revoked');
      await persis.removeByAssociations(this.associations(user.id));
      return true;
    } catch (error) {
      this.app.getLogger().error(error);
      return false;
    }
  }

  /// The provider redirects the user here with `code` and `state` (the user id).
  async handleOAuthCallback(request, endpoint, read, modify, http, persis) {
    try {
      const { code, state } = request.query || {};
      const user = await this.app.getAccessors().reader.getUserReader().getById(state);
      if (!user) throw new Error('User could not be determined.');
      const callback = this.config.authorizationCallback;
      if (!code) {
        const refused = callback ? await callback(undefined, user, read, modify, http, persis) : undefined;
        return { status: HttpStatusCode.UNAUTHORIZED, content: (refused && refused.responseContent) || pages.failed };
      }
      const siteUrl = await this.siteUrl();
      const url = new URL(this.config.accessTokenUri, siteUrl);
      url.searchParams.set('client_id', await this.setting('oauth-client-id'));
      url.searchParams.set('redirect_uri', `${siteUrl}/${this.callbackPath()}`);
      url.searchParams.set('code', code);
      url.searchParams.set('client_secret', await this.setting('oauth-clientsecret'));
      url.searchParams.set('access_type', 'offline');
      url.searchParams.set('grant_type', 'authorization_code');
      const { content, statusCode } = await http.post(url.href, { headers: { Accept: 'application/json' } });
      if (statusCode >= 500) throw new Error('Request for access token failed. Check logs for more information');
      const answer = JSON.parse(content);
      const authData = { scope: answer.scope, token: answer.access_token, expiresAt: answer.expires_in, refreshToken: answer.refresh_token };
      const accepted = callback ? await callback(authData, user, read, modify, http, persis) : undefined;
      await this.saveToken(authData, user.id, persis);
      return { status: statusCode, content: (accepted && accepted.responseContent) || pages.success };
    } catch (error) {
      this.app.getLogger().error(error);
      return { status: HttpStatusCode.INTERNAL_SERVER_ERROR, content: pages.failed };
    }
  }

  associations(userId) {
    return [
      new RocketChatAssociationRecord(RocketChatAssociationModel.USER, userId),
      new RocketChatAssociationRecord(RocketChatAssociationModel.MISC, `${this.config.alias}-oauth-connection`),
    ];
  }

  saveToken({ scope, token, expiresAt, refreshToken }, userId, persis) {
    return persis.updateByAssociations(this.associations(userId), { scope, token, expiresAt: expiresAt || '', refreshToken: refreshToken || '' }, true);
  }

  setting(suffix) {
    return this.app.getAccessors().reader.getEnvironmentReader().getSettings().getValueById(`${this.config.alias}-${suffix}`);
  }

  /// The callback endpoint's path without its leading slash (the first endpoint the app provides, as in Rocket.Chat).
  callbackPath() {
    return this.app.getAccessors().providedApiEndpoints[0].computedPath.substring(1);
  }

  async siteUrl() {
    const url = String(await this.app.getAccessors().environmentReader.getServerSettings().getValueById('Site_Url') || '');
    return url.endsWith('/') ? url.slice(0, -1) : url;
  }
}

const createOAuth2Client = (app, options) => new OAuth2Client(app, options);

module.exports = { createOAuth2Client };
