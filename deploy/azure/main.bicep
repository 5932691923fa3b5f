// SupportBot on Azure. Build the ARM JSON beside it with `bicep build main.bicep --outfile azuredeploy.json`
// (the tests do, and check the committed azuredeploy.json is that output); deploy either one with
//   az deployment group create -g RESOURCE_GROUP -f deploy/azure/main.bicep -p name=... image=... (deploy/README.md)
metadata description = 'SupportBot on Azure: the container on App Service for Linux (two instances, WebSockets on), Azure Database for PostgreSQL flexible server, every secret in Key Vault (app settings are Key Vault references), and an Azure Bot whose messaging endpoint is the app\'s /api/messages, with the Direct Line and Web Chat channels.'

@description('Prefix of every resource name; the app is https://NAME-app.azurewebsites.net.')
@minLength(3)
@maxLength(20)
param name string
param location string = resourceGroup().location

@description('The image deploy/build-image.sh built and you pushed, e.g. myregistry.azurecr.io/supportbot:1.0.0 (a public registry, or add DOCKER_REGISTRY_SERVER_* settings).')
param image string
param appServiceSku string = 'P0v3'

@minValue(1)
param instanceCount int = 2

@description('The bot\'s Microsoft Entra app registration (client) id.')
param microsoftAppId string

@description('A client secret of that app registration.')
@secure()
param microsoftAppPassword string

@allowed([
  'SingleTenant'
  'MultiTenant'
])
param microsoftAppType string = 'SingleTenant'
param microsoftAppTenantId string = subscription().tenantId
param postgresAdministratorLogin string = 'supportbot'

@secure()
param postgresAdministratorPassword string

@description('The host\'s own Direct Line master key (32+ random characters): what Web Chat on the app\'s page uses.')
@minLength(32)
@secure()
param directLineSecret string

@description('The key of the ticket API (X-Api-Key).')
@minLength(16)
@secure()
param helpDeskApiKey string

@description('Where ticket events are POSTed; empty: none.')
param webhookUrl string = ''

@description('The HMAC key of the ticket webhook (16+ characters).')
@minLength(16)
@secure()
param webhookSecret string

@description('The help-center origin that may embed the chat (WebChat:AllowedOrigins).')
param allowedOrigin string = 'https://help.example.com'

var planName = '${name}-plan'
var siteName = '${name}-app'
var botName = '${name}-bot'
var vaultName = '${name}-kv'
var postgresName = '${name}-pg'
var databaseName = 'supportbot'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
// App settings name secrets as Key Vault references; App Service resolves them with the app's identity.
var secretUri = 'https://${vaultName}${environment().suffixes.keyvaultDns}/secrets/'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'connection-string'
  properties: {
    value: 'Host=${postgres.properties.fullyQualifiedDomainName};Port=5432;Database=${databaseName};Username=${postgresAdministratorLogin};Password=${postgresAdministratorPassword};SSL Mode=Require'
  }
}

resource directLineSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'directline-secret'
  properties: {
    value: directLineSecret
  }
}

resource microsoftAppPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'microsoft-app-password'
  properties: {
    value: microsoftAppPassword
  }
}

resource helpDeskApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'helpdesk-api-key'
  properties: {
    value: helpDeskApiKey
  }
}

resource webhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'webhook-secret'
  properties: {
    value: webhookSecret
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: postgresName
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdministratorLogin
    administratorLoginPassword: postgresAdministratorPassword
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-01-01' = {
  name: planName
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: siteName
  location: location
  kind: 'app,linux,container'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: true
    siteConfig: {
      linuxFxVersion: 'DOCKER|${image}'
      alwaysOn: true
      webSocketsEnabled: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/readyz'
      // Configuration keys as environment variables (Section__Key); secrets only as Key Vault references.
      appSettings: [
        {
          name: 'WEBSITES_PORT'
          value: '8080'
        }
        {
          name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'
          value: 'false'
        }
        {
          name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED'
          value: 'true'
        }
        {
          name: 'Storage__Provider'
          value: 'PostgreSql'
        }
        {
          name: 'ConnectionStrings__SupportBot'
          value: '@Microsoft.KeyVault(SecretUri=${secretUri}connection-string/)'
        }
        {
          name: 'DirectLine__Secret'
          value: '@Microsoft.KeyVault(SecretUri=${secretUri}directline-secret/)'
        }
        {
          name: 'MicrosoftAppType'
          value: microsoftAppType
        }
        {
          name: 'MicrosoftAppId'
          value: microsoftAppId
        }
        {
          name: 'MicrosoftAppPassword'
          value: '@Microsoft.KeyVault(SecretUri=${secretUri}microsoft-app-password/)'
        }
        {
          name: 'MicrosoftAppTenantId'
          value: microsoftAppTenantId
        }
        {
          name: 'HelpDesk__ApiKeys__0__Name'
          value: 'helpdesk'
        }
        {
          name: 'HelpDesk__ApiKeys__0__Key'
          value: '@Microsoft.KeyVault(SecretUri=${secretUri}helpdesk-api-key/)'
        }
        {
          name: 'HelpDesk__Webhook__Url'
          value: webhookUrl
        }
        {
          name: 'HelpDesk__Webhook__Secret'
          value: '@Microsoft.KeyVault(SecretUri=${secretUri}webhook-secret/)'
        }
        {
          name: 'WebChat__AllowedOrigins__0'
          value: allowedOrigin
        }
      ]
    }
  }
}

// The app's identity reads the secrets its Key Vault references name.
resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, site.id, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Azure Bot: Bot Framework channels reach the app at /api/messages, authenticated with the app registration.
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'S1'
  }
  properties: {
    displayName: 'SupportBot'
    description: 'Kakao Developers FAQ support bot'
    endpoint: 'https://${site.properties.defaultHostName}/api/messages'
    msaAppId: microsoftAppId
    msaAppType: microsoftAppType
    msaAppTenantId: ((microsoftAppType == 'SingleTenant') ? microsoftAppTenantId : '')
  }
}

resource directLineChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: 'global'
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: false
        }
      ]
    }
  }
}

resource webChatChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'WebChatChannel'
  location: 'global'
  properties: {
    channelName: 'WebChatChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: true
          isWebchatPreviewEnabled: true
        }
      ]
    }
  }
}

output appUrl string = 'https://${site.properties.defaultHostName}/'
output messagingEndpoint string = bot.properties.endpoint
