// Support Desk on Azure: one deployment serves one Microsoft 365 tenant (spec section 8).
//
//   user-assigned managed identity  the bot's identity (Azure Bot, msaAppType UserAssignedMSI) and
//                                   the app's identity for Table storage: no passwords, no keys
//   App Service plan + web app      Linux, Node 22 LTS, runs `node dist/src/index.js`
//   Azure Bot + Teams channel       messaging endpoint https://<web app>/api/messages
//   Storage account + tables        shared-key access disabled; the identity is a Storage Table
//                                   Data Contributor; the app uses TABLES_ACCOUNT_URL
//   Log Analytics + App Insights    logs, requests and failures of the web app
//
// Deployed by the Microsoft 365 Agents Toolkit (m365agents.yml, arm/deploy) with
// azure.parameters.json; the outputs are written to env/.env.<environment>.

@minLength(4)
@maxLength(30)
@description('Base of every resource name, e.g. supportdeskdev. Letters, digits and hyphens.')
param resourceBaseName string

@maxLength(42)
@description('Name of the bot shown in the Azure portal.')
param botDisplayName string = 'Support Desk'

param location string = resourceGroup().location

@description('App Service plan SKU. B1 or larger: the bot needs Always On for its timers.')
param appServicePlanSku string = 'B1'

@description('Instances of the web app; any number can run against one storage account.')
@minValue(1)
param instanceCount int = 1

@description('AAD object ids allowed to run the setup commands, comma-separated (SUPPORT_ADMINS).')
param supportAdmins string = ''

@description('Tenant ids the bot serves, comma-separated (ALLOWED_TENANTS); empty: every tenant.')
param allowedTenants string = ''

@description('Tracking number prefix, e.g. SUP for SUP-000123 (TRACKING_PREFIX).')
param trackingPrefix string = 'SUP'

@description('Prefix of every table name (TABLES_PREFIX), letters and digits; empty for none.')
param tablesPrefix string = ''

@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
param logLevel string = 'info'

@description('1: give each new ticket to the least-loaded tier-1 agent (AUTO_ASSIGN).')
@allowed(['0', '1'])
param autoAssign string = '0'

@description('Path of an SLA policy JSON file inside the app (SLA_POLICY_FILE); empty for the shipped config/sla-policy.json.')
param slaPolicyFile string = ''

@secure()
@description('HMAC-SHA256 key of POST /api/intake/email, at least 16 characters (EMAIL_INTAKE_SECRET); empty: no e-mail intake.')
param emailIntakeSecret string = ''

/** Tables of the product: src/storage/tables.ts TABLE_NAMES (the app also creates missing ones at start). */
var tableNames = ['tickets', 'users', 'tenants', 'timers', 'stats', 'problems']

/** Azure built-in role "Storage Table Data Contributor". */
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

/** Globally unique names (web app host name, bot handle, storage account) get this suffix. */
var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var storageAccountName = take('st${toLower(replace(resourceBaseName, '-', ''))}${suffix}', 24)
/** The web app's name; its default host name is `<name>.azurewebsites.net`. */
var webAppName = '${resourceBaseName}-${suffix}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-id'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'Node.JS'
    WorkspaceResourceId: logs.id
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Entra ID (the managed identity) only: account keys and SAS tokens are refused.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for table in tableNames: {
    parent: tableService
    name: '${tablesPrefix}${table}'
  }
]

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServicePlanSku
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

/** App settings: every variable src/config.ts reads that a deployment sets (see test/unit/infra.test.ts). */
var appSettings = [
  { name: 'NODE_ENV', value: 'production' }
  // The bot's identity is the managed identity: botbuilder gets its tokens without a password.
  { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
  { name: 'MicrosoftAppId', value: identity.properties.clientId }
  { name: 'MicrosoftAppTenantId', value: identity.properties.tenantId }
  // DefaultAzureCredential picks the user-assigned identity by its client id.
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'TABLES_ACCOUNT_URL', value: 'https://${storage.name}.table.${environment().suffixes.storage}' }
  { name: 'SUPPORT_ADMINS', value: supportAdmins }
  { name: 'ALLOWED_TENANTS', value: allowedTenants }
  { name: 'TRACKING_PREFIX', value: trackingPrefix }
  { name: 'LOG_LEVEL', value: logLevel }
  { name: 'OUTBOX_SWEEP_MS', value: '5000' }
  { name: 'OUTBOX_CLAIM_TTL_MS', value: '60000' }
  { name: 'SLA_SWEEP_MS', value: '30000' }
  { name: 'AUTO_ASSIGN', value: autoAssign }
  { name: 'RECURRING_WINDOW_DAYS', value: '7' }
  { name: 'RECURRING_THRESHOLD', value: '3' }
  { name: 'SLA_POLICY_FILE', value: slaPolicyFile }
  { name: 'EMAIL_INTAKE_SECRET', value: emailIntakeSecret }
  // Export links point here: the web app's default host name, spelled out because a site's
  // settings cannot reference its own defaultHostName (a cycle). Public Azure cloud.
  { name: 'PUBLIC_URL', value: 'https://${webAppName}.azurewebsites.net' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'ApplicationInsightsAgent_EXTENSION_VERSION', value: '~3' }
  // The toolkit deploys a built zip (dist/ and production node_modules): run it as is.
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
  { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
]

// TABLES_PREFIX must be letters and digits when set, so an empty prefix is left unset.
var tablesPrefixSetting = empty(tablesPrefix) ? [] : [{ name: 'TABLES_PREFIX', value: tablesPrefix }]

resource webApp 'Microsoft.Web/sites@2024-04-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // The start script without its prestart build: the package holds the compiled server.
      appCommandLine: 'node --max-old-space-size=160 dist/src/index.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(appSettings, tablesPrefixSetting)
    }
  }
  dependsOn: [
    tableDataContributor
    tables
  ]
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${resourceBaseName}-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0' // Teams is a standard channel: free on F0
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Written to env/.env.<environment> by the toolkit's arm/deploy action.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_AZURE_SERVICE_NAME string = bot.name
output TABLES_ACCOUNT_URL string = 'https://${storage.name}.table.${environment().suffixes.storage}'
