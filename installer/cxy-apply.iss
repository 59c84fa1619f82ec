; Windows installer for CXY Apply (产学研申报助手): Inno Setup 6.3 or newer.
;
; Build on Windows, after `python installer\build.py` has made dist\cxy-apply\:
;     python installer\build.py --installer
; or by hand:
;     "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=x.y.z installer\cxy-apply.iss
; Output: dist\installer\cxy-apply-<version>-setup.exe
;
; Per-user install (no administrator rights) to %LOCALAPPDATA%\Programs\CXY Apply, with
; start-menu and desktop shortcuts, the .cxy draft file association and a normal uninstaller.
; IT departments can still install for all users with /ALLUSERS on the command line: {autopf},
; {autoprograms}, {autodesktop} and HKA then switch to the machine-wide locations.
;
; Simplified Chinese: ChineseSimplified.isl is an UNOFFICIAL Inno Setup 6 translation and is not
; installed with Inno Setup. Put it in the compiler's Languages folder, or next to this script
; (see README, "Windows installer").

#if VER < EncodeVer(6,3,0)
  #error Inno Setup 6.3 or newer is required (x64compatible architecture identifier)
#endif

#define AppName "产学研申报助手"
#define AppNameEn "CXY Apply"
#define AppExeName "cxy-apply.exe"
#define BundleDir AddBackslash(SourcePath) + "..\dist\cxy-apply"
#define AssocExt ".cxy"
#define AssocProgId "CXYApply.Draft.1"

#if !FileExists(BundleDir + "\" + AppExeName)
  #error dist\cxy-apply\cxy-apply.exe is missing: run "python installer\build.py" first
#endif

; One version for the whole chain: build.py passes the package version; by hand it is read from
; the ProductVersion the PyInstaller spec writes into cxy-apply.exe.
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BundleDir + "\" + AppExeName, "ProductVersion")
#endif
#if AppVersion == ""
  #error The application version is unknown: pass /DAppVersion=x.y.z
#endif

#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ZhMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ZhMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
#else
  #error ChineseSimplified.isl (unofficial translation) not found: copy it into the Inno Setup "Languages" folder or into installer\
#endif

[Setup]
; Never change AppId: it is how a new version finds and replaces the installed one.
AppId={{451DED4C-CF9B-4753-A8A5-480BFE9D67E8}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppNameEn}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppNameEn}
DefaultDirName={autopf}\{#AppNameEn}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
; The bundle is 64-bit Python and Qt 6, which needs Windows 10 1809 or newer.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
ChangesAssociations=yes
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} ({#AppNameEn})
; Relative paths in [Setup] and [Files] are relative to this script's folder (installer\).
OutputDir=..\dist\installer
OutputBaseFilename=cxy-apply-{#AppVersion}-setup
#if FileExists(AddBackslash(SourcePath) + "..\resources\icons\cxy-apply.ico")
SetupIconFile=..\resources\icons\cxy-apply.ico
#endif
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; Authenticode signing (fewer SmartScreen and antivirus warnings) happens on the signing machine:
;   iscc "/Ssigntool=signtool.exe sign /fd sha256 /tr <timestamp URL> /td sha256 $f" /DSign=1 ...
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ZhMessages}"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.AssocTask=用本程序打开 .cxy 申报草稿文件
english.AssocTask=Open .cxy application drafts with this program
chinesesimplified.AssocGroup=文件关联：
english.AssocGroup=File association:
chinesesimplified.DraftType=产学研申报草稿
english.DraftType=CXY Apply draft

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "fileassoc"; Description: "{cm:AssocTask}"; GroupDescription: "{cm:AssocGroup}"

[InstallDelete]
; A new version brings a new runtime: remove the old one first, so that no stale Qt plugin or
; library from a previous version is ever loaded. Drafts live elsewhere and are never touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\cxy-apply\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Comment: "{#AppNameEn}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Comment: "{#AppNameEn}"; Tasks: desktopicon

[Registry]
; .cxy drafts open in the app (per user: HKA is HKCU here; HKLM with /ALLUSERS).
Root: HKA; Subkey: "Software\Classes\{#AssocExt}"; ValueType: string; ValueName: ""; ValueData: "{#AssocProgId}"; Flags: uninsdeletevalue; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#AssocExt}\OpenWithProgids"; ValueType: string; ValueName: "{#AssocProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#AssocProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:DraftType}"; Flags: uninsdeletekey; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#AssocProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExeName},0"; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\{#AssocProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExeName}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey; Tasks: fileassoc
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExeName}\SupportedTypes"; ValueType: string; ValueName: "{#AssocExt}"; ValueData: ""; Tasks: fileassoc

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
