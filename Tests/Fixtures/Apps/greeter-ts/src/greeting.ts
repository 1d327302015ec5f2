export enum GreetingStyle {
    Plain = 'plain',
    Excited = 'excited',
}

export function greeting(site: string, style: GreetingStyle): string {
    const text = `Greeter enabled on ${site}`;
    return style === GreetingStyle.Excited ? `${text}!!!` : `${text}.`;
}
