import {
    IAppAccessors,
    IConfigurationExtend,
    IEnvironmentRead,
    IConfigurationModify,
    ILogger,
} from '@rocket.chat/apps-engine/definition/accessors';
import { App } from '@rocket.chat/apps-engine/definition/App';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { SettingType } from '@rocket.chat/apps-engine/definition/settings';

import { greeting, GreetingStyle } from './src/greeting';

export class GreeterApp extends App {
    private style: GreetingStyle = GreetingStyle.Plain;

    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
    }

    protected async extendConfiguration(configuration: IConfigurationExtend, environmentRead: IEnvironmentRead): Promise<void> {
        await configuration.settings.provideSetting({
            id: 'style',
            type: SettingType.SELECT,
            packageValue: GreetingStyle.Plain,
            values: [
                { key: GreetingStyle.Plain, i18nLabel: 'Plain' },
                { key: GreetingStyle.Excited, i18nLabel: 'Excited' },
            ],
            required: true,
            public: true,
            i18nLabel: 'Greeting_Style',
        });
    }

    public async onEnable(environment: IEnvironmentRead, configurationModify: IConfigurationModify): Promise<boolean> {
        this.style = (await environment.getSettings().getValueById('style')) as GreetingStyle;
        const site = (await environment.getServerSettings().getValueById('Site_Name')) as string;
        this.getLogger().info(greeting(site, this.style));
        return true;
    }
}
